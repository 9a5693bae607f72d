/**
 * A call that gets no answer ends at the request timeout, also inside a stage that creates: such a stage
 * runs uninterruptibly (so that what it made is recorded), and the timeout once waited there for the
 * call itself, i.e. for fetch's own limit of minutes, while the task and a worker's shutdown waited too.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Neutron, OpenStackTimeout } from "@enamel/openstack-clients"
import { CloudDouble, Fault } from "@enamel/openstack-clients/testing"
import { Clock, Duration, Effect } from "effect"

describe("the request timeout", () => {
  layer(CloudDouble.layerClients("alice"), { excludeTestServices: true })((it) => {
    it.effect("ends a call with no answer, in an uninterruptible region too", () =>
      Effect.gen(function* () {
        const cloud = yield* CloudDouble.CloudDouble
        const network = (yield* cloud.seeded).networks["alpha/private"] ?? ""
        yield* cloud.inject({ service: "neutron", method: "POST", path: "/ports", answer: Fault.noAnswer })
        const started = yield* Clock.currentTimeMillis
        const created = yield* Effect.uninterruptible(
          Effect.either(Neutron.createPort({ networkId: network }))
        )
        const took = (yield* Clock.currentTimeMillis) - started
        expect(created._tag === "Left" && created.left instanceof OpenStackTimeout).toBe(true)
        // The fast settings' request timeout, and not much more.
        expect(took).toBeGreaterThanOrEqual(Duration.toMillis(CloudDouble.fastSettings.requestTimeout))
        expect(took).toBeLessThan(Duration.toMillis(CloudDouble.fastSettings.requestTimeout) + 2_000)
      })
    )
  })
})
