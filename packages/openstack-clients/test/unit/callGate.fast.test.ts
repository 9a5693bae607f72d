/**
 * A worker that must give up a task (its lease is running out, or was taken over) closes the task's
 * call gate: no call is sent after that, and one in flight is abandoned at once, also inside a stage
 * that creates (which runs uninterruptibly); both end as an interruption, never as the call's failure.
 */
import { describe, expect, layer } from "@effect/vitest"
import { CallGate, Neutron } from "@enamel/openstack-clients"
import { CloudDouble, Fault } from "@enamel/openstack-clients/testing"
import { Cause, Clock, Deferred, Duration, Effect, Exit } from "effect"

describe("the call gate", () => {
  layer(CloudDouble.layerClients("alice"), { excludeTestServices: true })((it) => {
    it.effect("sends nothing once closed: the caller ends interrupted", () =>
      Effect.gen(function* () {
        const cloud = yield* CloudDouble.CloudDouble
        const signal = yield* Deferred.make<string>()
        yield* Deferred.succeed(signal, "stopping")
        const before = (yield* cloud.calls).length
        const exit = yield* Effect.exit(
          Neutron.listNetworks().pipe(Effect.provideService(CallGate.CallGate, CallGate.closingWith(signal)))
        )
        expect(Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)).toBe(true)
        expect((yield* cloud.calls).length).toBe(before)
      })
    )

    it.effect("cuts off a call in flight when it closes, in an uninterruptible region too", () =>
      Effect.gen(function* () {
        const cloud = yield* CloudDouble.CloudDouble
        const network = (yield* cloud.seeded).networks["alpha/private"] ?? ""
        yield* cloud.inject({ service: "neutron", method: "POST", path: "/ports", answer: Fault.noAnswer })
        const signal = yield* Deferred.make<string>()
        yield* Effect.forkDaemon(
          Effect.zipRight(Effect.sleep(Duration.millis(100)), Deferred.succeed(signal, "taken"))
        )
        const started = yield* Clock.currentTimeMillis
        const exit = yield* Effect.exit(
          Effect.uninterruptible(
            Neutron.createPort({ networkId: network }).pipe(
              Effect.provideService(CallGate.CallGate, CallGate.closingWith(signal))
            )
          )
        )
        const took = (yield* Clock.currentTimeMillis) - started
        expect(Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)).toBe(true)
        // Well before the fast settings' request timeout: the gate, not the timeout, ended it.
        expect(took).toBeLessThan(Duration.toMillis(CloudDouble.fastSettings.requestTimeout))
        yield* cloud.clearFaults
      })
    )

    it.effect("an open gate changes nothing", () =>
      Effect.gen(function* () {
        const signal = yield* Deferred.make<string>()
        const networks = yield* Neutron.listNetworks().pipe(
          Effect.provideService(CallGate.CallGate, CallGate.closingWith(signal))
        )
        expect(networks.length).toBeGreaterThan(0)
      })
    )
  })
})
