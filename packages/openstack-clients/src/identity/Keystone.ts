import { DateTime, Effect, Redacted, Schema } from "effect"
import { HttpTransport } from "../http/HttpTransport.js"
import { makeServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import type { Credentials } from "./Credentials.js"
import { Session } from "./Session.js"
import { type Authentication, KeystoneTimestamp, keystone, Role, requestToken, TokenBody } from "./tokens.js"

export const ApplicationCredential = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  projectId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("project_id")),
  roles: Schema.optionalWith(Schema.Array(Role), { default: () => [] }),
  expiresAt: Schema.optionalWith(Schema.NullOr(KeystoneTimestamp), { default: () => null }).pipe(
    Schema.fromKey("expires_at")
  ),
  /** Keystone Zed answers `null` when it was not asked for: that means false. */
  unrestricted: Schema.optionalWith(
    Schema.transform(Schema.NullOr(Schema.Boolean), Schema.Boolean, {
      strict: true,
      decode: (value) => value === true,
      encode: (value) => value
    }),
    { default: () => false }
  )
})
export type ApplicationCredential = typeof ApplicationCredential.Type

/** A new application credential: the secret is shown once, at creation, and kept Redacted. */
export const CreatedApplicationCredential = Schema.extend(
  ApplicationCredential,
  Schema.Struct({ secret: Schema.Redacted(Schema.String) })
)
export type CreatedApplicationCredential = typeof CreatedApplicationCredential.Type

const ApplicationCredentialBody = Schema.Struct({ application_credential: ApplicationCredential })
const CreatedApplicationCredentialBody = Schema.Struct({
  application_credential: CreatedApplicationCredential
})

export interface ApplicationCredentialCreate {
  readonly name: string
  readonly description?: string
  /** The roles it carries (by name or id); all of the creator's roles on the project when absent. */
  readonly roles?: ReadonlyArray<{ readonly name: string } | { readonly id: string }>
  /** When it stops working; never when absent. */
  readonly expiresAt?: DateTime.DateTime
  /** Whether it may create further application credentials and trusts (default false). */
  readonly unrestricted?: boolean
}

export const applicationCredentialBody = (spec: ApplicationCredentialCreate) => ({
  application_credential: {
    name: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    ...(spec.roles === undefined ? {} : { roles: spec.roles }),
    ...(spec.expiresAt === undefined ? {} : { expires_at: DateTime.formatIso(spec.expiresAt) }),
    ...(spec.unrestricted === undefined ? {} : { unrestricted: spec.unrestricted })
  }
})

/** Keystone v3: tokens (authenticate, validate, revoke) and application credentials. */
export class Keystone extends Effect.Service<Keystone>()("@enamel/openstack-clients/Keystone", {
  accessors: true,
  effect: Effect.gen(function* () {
    const transport = yield* HttpTransport
    const api = yield* makeServiceApi({ name: keystone, type: "identity" })
    const currentUserId = Effect.flatMap(Session, (s) => s.authentication).pipe(
      Effect.map((a) => a.info.user.id)
    )
    const credentialsPath = (userId: string, id?: string) =>
      `users/${segment(userId)}/application_credentials${id === undefined ? "" : `/${segment(id)}`}`

    /** A project-scoped token for the credentials, without a session (the session uses this too). */
    const authenticate = Effect.fn("Keystone.authenticate")(function* (
      authUrl: string,
      credentials: Credentials
    ) {
      return yield* requestToken(transport, authUrl, credentials)
    })

    /**
     * What a token (e.g. one a user sent to Enamel's API) grants: user, project, roles and expiry. The
     * session must be allowed to validate others' tokens (the `service` role).
     */
    const validateToken = Effect.fn("Keystone.validateToken")(function* (subject: Redacted.Redacted<string>) {
      const body = yield* api.json(
        {
          method: "GET",
          path: "auth/tokens",
          query: { nocatalog: "1" },
          headers: { "X-Subject-Token": Redacted.value(subject) }
        },
        TokenBody
      )
      const { catalog: _catalog, ...info } = body.token
      return info
    })

    /**
     * As `validateToken`, with the catalog the token grants: enough to act with the token itself
     * (`Sessions.fromAuthentication`), e.g. to look at the caller's own resources with their own rights.
     */
    const validateTokenWithCatalog = Effect.fn("Keystone.validateTokenWithCatalog")(function* (
      subject: Redacted.Redacted<string>
    ) {
      const body = yield* api.json(
        { method: "GET", path: "auth/tokens", headers: { "X-Subject-Token": Redacted.value(subject) } },
        TokenBody
      )
      const { catalog, ...info } = body.token
      const authentication: Authentication = { token: subject, info, catalog }
      return authentication
    })

    /** Revokes a token (the session's own, or any if the session may). */
    const revokeToken = Effect.fn("Keystone.revokeToken")(function* (subject: Redacted.Redacted<string>) {
      yield* api.discard({
        method: "DELETE",
        path: "auth/tokens",
        headers: { "X-Subject-Token": Redacted.value(subject) }
      })
    })

    /** Creates an application credential for the session's user on the session's project. */
    const createApplicationCredential = Effect.fn("Keystone.createApplicationCredential")(function* (
      spec: ApplicationCredentialCreate
    ) {
      const userId = yield* currentUserId
      const body = yield* api.json(
        { method: "POST", path: credentialsPath(userId), json: applicationCredentialBody(spec) },
        CreatedApplicationCredentialBody
      )
      return body.application_credential
    })

    const getApplicationCredential = Effect.fn("Keystone.getApplicationCredential")(function* (id: string) {
      const userId = yield* currentUserId
      const body = yield* api.json(
        { method: "GET", path: credentialsPath(userId, id) },
        ApplicationCredentialBody
      )
      return body.application_credential
    })

    const deleteApplicationCredential = Effect.fn("Keystone.deleteApplicationCredential")(function* (
      id: string
    ) {
      const userId = yield* currentUserId
      yield* api.discard({ method: "DELETE", path: credentialsPath(userId, id) })
    })

    return {
      authenticate,
      validateToken,
      validateTokenWithCatalog,
      revokeToken,
      createApplicationCredential,
      getApplicationCredential,
      deleteApplicationCredential
    }
  })
}) {}
