import { Effect, Redacted, Schema } from "effect"
import { decodeValue } from "../http/decode.js"
import { Barbican } from "../keyManager/Barbican.js"
import { Credentials } from "./Credentials.js"
import { make } from "./makeSession.js"
import { Session } from "./Session.js"

/**
 * What Enamel keeps in Barbican to act for a user later: an application credential's id and secret.
 * The field names are those of clouds.yaml.
 */
export const ApplicationCredentialKey = Schema.parseJson(
  Schema.Struct({
    application_credential_id: Schema.String,
    application_credential_secret: Schema.String
  })
)

/** What a key store keeps for an application credential: its id and secret, as JSON. */
export const applicationCredentialKeyPayload = (credential: {
  readonly id: string
  readonly secret: Redacted.Redacted<string>
}) =>
  Schema.encode(ApplicationCredentialKey)({
    application_credential_id: credential.id,
    application_credential_secret: Redacted.value(credential.secret)
  }).pipe(Effect.orDie, Effect.map(Redacted.make))

/**
 * Stores an application credential in Barbican (with the session in context, e.g. Enamel's service
 * user) and returns the secret's reference, to be kept instead of the credential.
 */
export const storeApplicationCredentialKey = Effect.fn("Sessions.storeApplicationCredentialKey")(function* (
  credential: { readonly id: string; readonly secret: Redacted.Redacted<string> },
  options: { readonly name: string }
) {
  const payload = yield* applicationCredentialKeyPayload(credential)
  return yield* Barbican.storeSecret({ name: options.name, payload })
})

/**
 * A session regenerated from a key's payload (wherever it was kept): acts as the application
 * credential's user on its project, at the same Keystone, interface and region as the Session in
 * context (e.g. Enamel's service user). `source` names the key in errors. Lives in the scope.
 */
export const fromApplicationCredentialKey = Effect.fn("Sessions.fromApplicationCredentialKey")(function* (
  payload: Redacted.Redacted<string>,
  options: { readonly source: string; readonly revokeOnClose?: boolean }
) {
  const service = yield* Session
  const key = yield* decodeValue(
    "barbican",
    ApplicationCredentialKey,
    options.source
  )(Redacted.value(payload))
  return yield* make({
    authUrl: service.authUrl,
    interface: service.interface,
    ...(service.region === undefined ? {} : { region: service.region }),
    ...(options.revokeOnClose === undefined ? {} : { revokeOnClose: options.revokeOnClose }),
    credentials: Credentials.ApplicationCredential({
      id: key.application_credential_id,
      secret: Redacted.make(key.application_credential_secret)
    })
  })
})

/**
 * A session regenerated from the Barbican key: reads the application credential stored at `secretRef`
 * (with the Session in context, e.g. Enamel's service user) and returns a new session that acts as the
 * credential's user on its project, at the same Keystone, interface and region. Lives in the scope.
 */
export const fromBarbicanKey = Effect.fn("Sessions.fromBarbicanKey")(function* (
  secretRef: string,
  options: { readonly revokeOnClose?: boolean } = {}
) {
  const payload = yield* Barbican.getSecretPayload(secretRef)
  return yield* fromApplicationCredentialKey(payload, { ...options, source: `the Barbican key ${secretRef}` })
})
