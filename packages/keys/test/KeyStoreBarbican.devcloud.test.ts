/** The Barbican key store on the dev cloud (`devcloud/devcloud up`), as Enamel's service user. */
import { describe, expect, layer } from "@effect/vitest"
import { KeyNotFound, KeyStoreBarbican } from "@enamel/keys"
import { ServiceSession, Session } from "@enamel/openstack-clients"
import { Effect, Layer, Redacted } from "effect"
import { cloudLayer, uniqueName } from "../../openstack-clients/test/support/cloud.js"

const AsService = Layer.effect(ServiceSession.ServiceSession, Session).pipe(
  Layer.provideMerge(cloudLayer("enamel"))
)

describe("Barbican key store", () => {
  layer(AsService, { timeout: 60_000, excludeTestServices: true })((it) => {
    it.effect("stores a payload, reads it back, deletes it; a deleted key is KeyNotFound", () =>
      Effect.gen(function* () {
        const store = yield* KeyStoreBarbican.make
        const ref = yield* store.store(uniqueName("keystore"), Redacted.make('{"a":"b"}'))
        expect(ref).toMatch(/\/v1\/secrets\/[0-9a-f-]{36}$/)
        expect(Redacted.value(yield* store.read(ref))).toBe('{"a":"b"}')
        yield* store.remove(ref)
        expect(yield* Effect.flip(store.read(ref))).toBeInstanceOf(KeyNotFound)
      })
    )
  })
})
