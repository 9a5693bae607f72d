import { LocalSecrets } from "@enamel/persistence"
import { Effect, Either, Option, Redacted } from "effect"
import { KeyNotFound, KeyStore, KeyStoreError, type KeyStoreShape } from "./KeyStore.js"
import { seal, unseal } from "./sealing.js"

const prefix = "local:"

export const isLocalRef = (ref: string) => ref.startsWith(prefix)

/**
 * The local key store: secrets sealed with AES-256-GCM under `masterKey` (from a file, never in the
 * database), kept in PostgreSQL (table local_secrets) so they survive a restart. References `local:<id>`.
 */
export const make = (masterKey: Redacted.Redacted<Uint8Array>) =>
  Effect.map(LocalSecrets, (secrets): KeyStoreShape => {
    const down = (message: string) => (cause: unknown) => new KeyStoreError({ message, cause })
    const idOf = (ref: string) =>
      isLocalRef(ref) && /^[0-9a-f-]{36}$/.test(ref.slice(prefix.length))
        ? Effect.succeed(ref.slice(prefix.length))
        : Effect.fail(new KeyStoreError({ message: `${ref} is not a local key reference` }))
    return KeyStore.of({
      store: (name, payload) =>
        Effect.gen(function* () {
          const id = crypto.randomUUID()
          yield* secrets.insert(id, name, seal(Redacted.value(masterKey), id, Redacted.value(payload)))
          return `${prefix}${id}`
        }).pipe(Effect.mapError(down("cannot store a local key"))),
      read: (ref) =>
        Effect.gen(function* () {
          const id = yield* idOf(ref)
          const sealed = yield* Effect.mapError(secrets.find(id), down(`cannot read ${ref}`))
          if (Option.isNone(sealed)) return yield* new KeyNotFound({ ref })
          const opened = unseal(Redacted.value(masterKey), id, sealed.value)
          if (Either.isLeft(opened)) return yield* new KeyStoreError({ message: `${ref}: ${opened.left}` })
          return Redacted.make(opened.right)
        }),
      remove: (ref) =>
        Effect.flatMap(idOf(ref), (id) => Effect.mapError(secrets.remove(id), down(`cannot delete ${ref}`)))
    })
  })
