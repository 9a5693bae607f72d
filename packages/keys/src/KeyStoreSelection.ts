import { OpenStackEndpointNotFound, ServiceSession } from "@enamel/openstack-clients"
import { LocalSecrets } from "@enamel/persistence"
import { Config, Effect, Layer, Option, Ref } from "effect"
import { KeyStore, KeyStoreError, type KeyStoreShape } from "./KeyStore.js"
import * as KeyStoreBarbican from "./KeyStoreBarbican.js"
import * as KeyStoreLocal from "./KeyStoreLocal.js"
import * as MasterKey from "./masterKey.js"

/** ENAMEL_KEY_STORE (auto): where new keys go. */
export const Mode = Config.literal(
  "auto",
  "barbican",
  "local"
)("ENAMEL_KEY_STORE").pipe(Config.withDefault("auto"))
export type Mode = Config.Config.Success<typeof Mode>

/** Runs `self` until it succeeds once, then gives that result every time. */
const onceSucceeded = <A, E>(self: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const done = yield* Ref.make(Option.none<A>())
    const lock = yield* Effect.makeSemaphore(1)
    return lock.withPermits(1)(
      Effect.flatMap(
        Ref.get(done),
        Option.match({
          onSome: Effect.succeed,
          onNone: () => Effect.tap(self, (a) => Ref.set(done, Option.some(a)))
        })
      )
    )
  })

/**
 * One key store over both: a reference is read and deleted by the store that made it (`local:` by
 * the local one, any other by Barbican), so changing the mode strands no key. New keys go to Barbican
 * (`barbican`), to the local store (`local`), or with `auto` to Barbican when the service catalog has a
 * key-manager endpoint and to the local store when it has none (decided at the first new key).
 */
export const select = (
  mode: Mode,
  stores: {
    readonly barbican: KeyStoreShape
    readonly local: Effect.Effect<KeyStoreShape, KeyStoreError>
    readonly hasKeyManager: Effect.Effect<boolean, KeyStoreError>
  }
) =>
  Effect.gen(function* () {
    const local = yield* onceSucceeded(stores.local)
    const auto = yield* onceSucceeded(
      Effect.flatMap(stores.hasKeyManager, (has) => (has ? Effect.succeed(stores.barbican) : local))
    )
    const forNewKeys = mode === "barbican" ? Effect.succeed(stores.barbican) : mode === "local" ? local : auto
    const byRef = (ref: string) => (KeyStoreLocal.isLocalRef(ref) ? local : Effect.succeed(stores.barbican))
    return KeyStore.of({
      store: (name, payload) => Effect.flatMap(forNewKeys, (s) => s.store(name, payload)),
      read: (ref) => Effect.flatMap(byRef(ref), (s) => s.read(ref)),
      remove: (ref) => Effect.flatMap(byRef(ref), (s) => s.remove(ref))
    })
  })

/** Whether Enamel's service catalog lists a key manager (Barbican). */
const hasKeyManager = Effect.flatMap(ServiceSession.ServiceSession, (service) =>
  service.endpoint("key-manager").pipe(
    Effect.as(true),
    Effect.catchIf(
      (error) => error instanceof OpenStackEndpointNotFound,
      () => Effect.succeed(false)
    ),
    Effect.mapError((cause) => new KeyStoreError({ message: "cannot read the service catalog", cause }))
  )
)

/**
 * The KeyStore per ENAMEL_KEY_STORE; the local store's master key (ENAMEL_MASTER_KEY_FILE) is read, or
 * created, only when the local store is first used.
 */
export const layer = Layer.effect(
  KeyStore,
  Effect.gen(function* () {
    const mode = yield* Mode
    const file = yield* MasterKey.MasterKeyFile
    const secrets = yield* LocalSecrets
    const service = yield* ServiceSession.ServiceSession
    return yield* select(mode, {
      barbican: yield* KeyStoreBarbican.make,
      local: Effect.flatMap(MasterKey.load(file), (key) =>
        Effect.provideService(KeyStoreLocal.make(key), LocalSecrets, secrets)
      ),
      hasKeyManager: Effect.provideService(hasKeyManager, ServiceSession.ServiceSession, service)
    })
  })
).pipe(Layer.provide(LocalSecrets.Default))
