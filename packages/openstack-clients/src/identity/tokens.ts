import { type DateTime, Effect, Redacted, Schema } from "effect"
import { type OpenStackError, OpenStackUnauthorized } from "../errors.js"
import { decodeJsonReply, unexpectedBody } from "../http/decode.js"
import type { HttpTransport } from "../http/HttpTransport.js"
import { send } from "../http/send.js"
import { joinUrl } from "../http/url.js"
import type { Credentials, ProjectScope, UserReference } from "./Credentials.js"
import { Catalog } from "./catalog.js"

export const keystone = "keystone"

/** Keystone writes `2026-01-01T00:00:00.000000Z`, and sometimes leaves the `Z` out; both mean UTC. */
export const KeystoneTimestamp = Schema.String.pipe(
  Schema.transform(Schema.String, {
    strict: true,
    decode: (s) => (/(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : `${s}Z`),
    encode: (s) => s
  }),
  Schema.compose(Schema.DateTimeUtc)
)

const Domain = Schema.Struct({ id: Schema.String, name: Schema.optional(Schema.String) })

export const Role = Schema.Struct({ id: Schema.String, name: Schema.String })
export type Role = typeof Role.Type

/** What a token says about its holder: user, project, roles and lifetime. */
export const TokenInfo = Schema.Struct({
  methods: Schema.Array(Schema.String),
  user: Schema.Struct({ id: Schema.String, name: Schema.String, domain: Schema.optional(Domain) }),
  project: Schema.optional(
    Schema.Struct({ id: Schema.String, name: Schema.String, domain: Schema.optional(Domain) })
  ),
  roles: Schema.optionalWith(Schema.Array(Role), { default: () => [] }),
  expiresAt: Schema.propertySignature(KeystoneTimestamp).pipe(Schema.fromKey("expires_at")),
  issuedAt: Schema.propertySignature(KeystoneTimestamp).pipe(Schema.fromKey("issued_at")),
  applicationCredential: Schema.optional(Schema.Struct({ id: Schema.String, name: Schema.String })).pipe(
    Schema.fromKey("application_credential")
  )
})
export type TokenInfo = typeof TokenInfo.Type

/** `{"token": {...}}` as Keystone returns it from POST and GET /v3/auth/tokens. */
export const TokenBody = Schema.Struct({
  token: Schema.extend(
    TokenInfo,
    Schema.Struct({ catalog: Schema.optionalWith(Catalog, { default: () => [] }) })
  )
})

/** A token with what it grants: the session's state. The token itself never leaves its Redacted. */
export interface Authentication {
  readonly token: Redacted.Redacted<string>
  readonly info: TokenInfo
  readonly catalog: Catalog
}

export const expiresAt = (authentication: Authentication): DateTime.Utc => authentication.info.expiresAt

const userBody = (user: UserReference) =>
  "id" in user
    ? { id: user.id }
    : { name: user.name, domain: "domainId" in user ? { id: user.domainId } : { name: user.domainName } }

const projectBody = (project: ProjectScope) =>
  "id" in project
    ? { id: project.id }
    : {
        name: project.name,
        domain: "domainId" in project ? { id: project.domainId } : { name: project.domainName }
      }

/** The body of POST /v3/auth/tokens. Holds secrets in clear: it goes straight onto the wire. */
export const authRequestBody = (credentials: Credentials): unknown => {
  switch (credentials._tag) {
    case "Password":
      return {
        auth: {
          identity: {
            methods: ["password"],
            password: {
              user: { ...userBody(credentials.user), password: Redacted.value(credentials.password) }
            }
          },
          scope: { project: projectBody(credentials.project) }
        }
      }
    case "Token":
      return {
        auth: {
          identity: { methods: ["token"], token: { id: Redacted.value(credentials.token) } },
          scope: { project: projectBody(credentials.project) }
        }
      }
    case "ApplicationCredential":
      return {
        auth: {
          identity: {
            methods: ["application_credential"],
            application_credential: { id: credentials.id, secret: Redacted.value(credentials.secret) }
          }
        }
      }
  }
}

/**
 * Authenticates against Keystone (`authUrl` is its v3 root, e.g. `http://127.0.0.1:5000/v3`) and returns
 * a project-scoped token with its catalog.
 */
export const requestToken = (
  transport: HttpTransport,
  authUrl: string,
  credentials: Credentials
): Effect.Effect<Authentication, OpenStackError> =>
  Effect.gen(function* () {
    const reply = yield* send(transport, keystone, {
      method: "POST",
      url: joinUrl(authUrl, "auth/tokens"),
      headers: { Accept: "application/json" },
      body: { contentType: "application/json", text: JSON.stringify(authRequestBody(credentials)) }
    }).pipe(
      // Keystone answers 404 for an application credential (or user) that no longer exists: for the
      // session that is a refused authentication like any other.
      Effect.catchTag("OpenStackNotFound", ({ service, message, status, requestId }) =>
        Effect.fail(
          new OpenStackUnauthorized({
            service,
            message,
            ...(status === undefined ? {} : { status }),
            ...(requestId === undefined ? {} : { requestId })
          })
        )
      )
    )
    const subjectToken = reply.headers["x-subject-token"]
    if (subjectToken === undefined) {
      return yield* Effect.fail(unexpectedBody(keystone, reply, "no X-Subject-Token header"))
    }
    const body = yield* decodeJsonReply(keystone, TokenBody)(reply)
    const { catalog, ...info } = body.token
    return { token: Redacted.make(subjectToken), info, catalog }
  }).pipe(Effect.withSpan("Keystone.requestToken"))
