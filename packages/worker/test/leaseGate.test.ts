/**
 * The call gate of a held lease checks the stop point itself at every call, not only through the
 * keeper's periodic check: a call about to be sent past the stop point (the check's timer late, the event
 * loop blocked) is refused, and the lease ends as `stopping`. The test clock never fires the keeper's
 * loops here, so only the gate's own check can close it.
 */
import { describe, expect, it } from "@effect/vitest"
import { TaskLeases } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Clock, ConfigProvider, Deferred, Duration, Effect, Layer } from "effect"
import { LeaseKeeper, stopAfter } from "../src/LeaseKeeper.js"

const leaseTtl = Duration.seconds(9)

const Keeper = LeaseKeeper.Default.pipe(
  Layer.provide(TaskLeases.Default),
  Layer.provide(TestDatabase.layer),
  Layer.provide(
    Layer.setConfigProvider(
      ConfigProvider.fromMap(
        new Map([
          ["ENAMEL_WORKER_ID", "w-gate"],
          ["ENAMEL_LEASE_TTL", `${Duration.toMillis(leaseTtl)} millis`]
        ])
      ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
    )
  )
)

const lease = (taskId: string) => ({
  taskId,
  owner: "w-gate",
  fence: 1,
  state: "RUNNING" as const,
  restarts: 0
})

describe("the call gate of a held lease", () => {
  it.scoped(
    "refuses a call past the stop point at once, and ends the lease as stopping",
    () =>
      Effect.gen(function* () {
        const keeper = yield* LeaseKeeper
        const now = yield* Clock.currentTimeMillis
        const stopMs = Duration.toMillis(stopAfter(leaseTtl))
        // Claimed so long ago that the stop point has passed; no renewal has run since.
        const late = yield* keeper.hold(lease(crypto.randomUUID()), now - stopMs)
        expect(yield* Deferred.isDone(late.ended)).toBe(false)
        expect(yield* late.gate.isClosed).toBe(true)
        expect(yield* Deferred.await(late.ended)).toBe("stopping")
        // Just before its stop point, a lease's calls still go out.
        const fresh = yield* keeper.hold(lease(crypto.randomUUID()), now - stopMs + 1)
        expect(yield* fresh.gate.isClosed).toBe(false)
        expect(yield* Deferred.isDone(fresh.ended)).toBe(false)
      }).pipe(Effect.provide(Keeper)),
    60_000
  )
})
