import { KeyStoreError, MasterKey, Sealing } from "@enamel/keys"
import { Effect, Either, Option, Redacted, SynchronizedRef } from "effect"

/**
 * Callback secrets, sealed (AES-256-GCM, `@enamel/keys`' sealing) under the deployment's master key
 * (ENAMEL_MASTER_KEY_FILE, the local key store's): no key-store round trip per delivery. Each is sealed
 * for its task (`callback:<task id>`), so a sealed secret copied to another task does not open. Every
 * process that delivers reads the same master key file; it is read (or created) at the first use.
 */
export class CallbackSecrets extends Effect.Service<CallbackSecrets>()("@enamel/api/CallbackSecrets", {
  effect: Effect.gen(function* () {
    const file = yield* MasterKey.MasterKeyFile
    // Read once it is first needed, and kept once read (a failed read is tried again next time).
    const held = yield* SynchronizedRef.make(Option.none<Redacted.Redacted<Uint8Array>>())
    const masterKey = SynchronizedRef.modifyEffect(held, (current) =>
      Option.isSome(current)
        ? Effect.succeed([current.value, current] as const)
        : Effect.map(MasterKey.load(file), (key) => [key, Option.some(key)] as const)
    )
    const idOf = (taskId: string) => `callback:${taskId}`
    return {
      seal: (taskId: string, secret: Redacted.Redacted<string>) =>
        Effect.map(masterKey, (key) =>
          Sealing.seal(Redacted.value(key), idOf(taskId), Redacted.value(secret))
        ),
      open: (taskId: string, sealed: string) =>
        Effect.flatMap(masterKey, (key) => {
          const opened = Sealing.unseal(Redacted.value(key), idOf(taskId), sealed)
          return Either.isRight(opened)
            ? Effect.succeed(Redacted.make(opened.right))
            : Effect.fail(new KeyStoreError({ message: `the callback secret of ${taskId}: ${opened.left}` }))
        })
    } as const
  })
}) {}
