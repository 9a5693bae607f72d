import { Context, type Effect } from "effect"
import type { OpenStackError } from "../errors.js"
import type { EndpointInterface } from "./catalog.js"
import type { Authentication } from "./tokens.js"

export interface SessionShape {
  /** Keystone's v3 root, e.g. `http://127.0.0.1:5000/v3`. */
  readonly authUrl: string
  readonly interface: EndpointInterface
  readonly region: string | undefined
  /**
   * The current token, its holder and catalog. Authenticates on first use, and again when the token has
   * less than the refresh margin left. Concurrent callers share one authentication.
   */
  readonly authentication: Effect.Effect<Authentication, OpenStackError>
  /**
   * Replaces a token a service refused (401). If another caller already replaced it, returns that one
   * instead of authenticating again.
   */
  readonly reauthenticate: (refused: Authentication) => Effect.Effect<Authentication, OpenStackError>
  /** The URL of the service type's endpoint in the current catalog (this session's interface and region). */
  readonly endpoint: (serviceType: string) => Effect.Effect<string, OpenStackError>
}

/**
 * An authenticated session for one project: the "current caller" of every client call. Build one with
 * `Sessions.make` (credentials) or `Sessions.fromBarbicanKey` (an application credential kept in Barbican).
 */
export class Session extends Context.Tag("@enamel/openstack-clients/Session")<Session, SessionShape>() {}
