import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import type { SessionShape } from "@enamel/openstack-clients"
import { Context, type DateTime, type Redacted } from "effect"
import * as Answers from "./answers.js"

/** Who is calling, from their validated Keystone token. The token stays redacted and in memory. */
export interface Caller {
  readonly userId: string
  readonly projectId: string
  readonly roles: ReadonlyArray<string>
  readonly expiresAt: DateTime.Utc
  readonly token: Redacted.Redacted<string>
  /** The caller's own session (their token and catalog): what the API checks a request with. */
  readonly session: SessionShape
}

export const isAdmin = (caller: Caller): boolean => caller.roles.includes("admin")

export class CurrentCaller extends Context.Tag("@enamel/domain/CurrentCaller")<CurrentCaller, Caller>() {}

/** `X-Auth-Token`, validated against Keystone (503 when Keystone cannot say); all but `GET /` need it. */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: Answers.authentication,
  provides: CurrentCaller,
  security: { keystone: HttpApiSecurity.apiKey({ in: "header", key: "X-Auth-Token" }) }
}) {}
