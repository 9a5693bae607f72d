import {
  Barbican,
  HttpTransport,
  ServiceSession,
  Session,
  type SessionShape
} from "@enamel/openstack-clients"
import { Effect, Layer } from "effect"
import { KeyNotFound, KeyStore, KeyStoreError, type KeyStoreShape } from "./KeyStore.js"

/** Keys in Barbican, kept there and read back as `service` (Enamel's service user). References are Barbican's. */
export const makeAs = (service: SessionShape) =>
  Effect.gen(function* () {
    const barbican = yield* Barbican
    const transport = yield* HttpTransport.HttpTransport
    const asService = <A, E>(effect: Effect.Effect<A, E, Session | HttpTransport.HttpTransport>) =>
      effect.pipe(
        Effect.provideService(Session, service),
        Effect.provideService(HttpTransport.HttpTransport, transport),
        Effect.mapError((cause) =>
          cause instanceof KeyNotFound
            ? cause
            : new KeyStoreError({ message: "Barbican cannot serve the key", cause })
        )
      )
    return KeyStore.of({
      store: (name, payload) => asService(barbican.storeSecret({ name, payload })),
      read: (ref) =>
        barbican.getSecretPayload(ref).pipe(
          Effect.catchTag("OpenStackNotFound", () => Effect.fail(new KeyNotFound({ ref }))),
          asService
        ),
      // Removing what is already gone is done.
      remove: (ref) =>
        barbican.deleteSecret(ref).pipe(
          Effect.catchTag("OpenStackNotFound", () => Effect.void),
          asService
        )
    }) satisfies KeyStoreShape
  })

/** As Enamel's service user. */
export const make = Effect.flatMap(ServiceSession.ServiceSession, makeAs)

export const layer = Layer.effect(KeyStore, make)
