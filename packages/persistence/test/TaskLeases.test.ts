import { describe, expect, it } from "@effect/vitest"
import { CheckpointError } from "@enamel/domain"
import { CheckpointsPg, LeaseHeld, LeaseLost, TaskLeases, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Duration, Effect, Layer, Option, TestServices } from "effect"
import { newTask, succeededEntry } from "./support/newTask.js"

const entry = (taskId: string, path: string) => succeededEntry(taskId, path)

const Stores = Layer.mergeAll(TaskStore.Default, TaskLeases.Default).pipe(
  Layer.provideMerge(TestDatabase.layer)
)

describe("task leases and fencing", () => {
  it.layer(Stores, { timeout: 60_000 })((it) => {
    it.effect(
      "one worker holds a task; after its lease expires another takes over and the first can write nothing",
      () =>
        Effect.gen(function* () {
          const store = yield* TaskStore
          const leases = yield* TaskLeases
          const { task } = yield* store.create(newTask())
          const a = yield* leases.claim(task.id, "worker-a", Duration.millis(300))
          expect(Option.map(a, (l) => [l.fence, l.state])).toEqual(Option.some([1, "RUNNING"]))
          if (Option.isNone(a)) return
          // A duplicate delivery to another worker while the lease is live:
          expect(yield* Effect.flip(leases.claim(task.id, "worker-b", Duration.seconds(30)))).toEqual(
            new LeaseHeld({ taskId: task.id, owner: "worker-a" })
          )
          const asA = yield* CheckpointsPg.make({ taskId: task.id, fence: a.value.fence })
          yield* asA.record(entry(task.id, "createPort"))
          yield* TestServices.provideLive(Effect.sleep("400 millis"))
          const b = yield* leases.claim(task.id, "worker-b", Duration.seconds(30))
          expect(Option.map(b, (l) => l.fence)).toEqual(Option.some(2))
          if (Option.isNone(b)) return
          // Worker A comes back: its checkpoint writes, renewals and final write are refused.
          const stale = yield* Effect.flip(asA.record(entry(task.id, "bootServer")))
          expect(stale).toBeInstanceOf(CheckpointError)
          expect(yield* Effect.flip(leases.renew(a.value, Duration.seconds(30)))).toEqual(
            new LeaseLost({ taskId: task.id })
          )
          // One heartbeat for both: B's lease is renewed, A's reported lost.
          expect(yield* leases.renewAll([a.value, b.value], Duration.seconds(30))).toEqual([a.value])
          expect(
            yield* Effect.flip(leases.finish(a.value, { state: "SUCCEEDED", result: null, error: null }))
          ).toEqual(new LeaseLost({ taskId: task.id }))
          const asB = yield* CheckpointsPg.make({ taskId: task.id, fence: b.value.fence })
          yield* asB.record(entry(task.id, "bootServer"))
          expect((yield* asB.timeline(task.id)).map((e) => e.path)).toEqual(["createPort", "bootServer"])
          yield* leases.finish(b.value, { state: "SUCCEEDED", result: { servers: [] }, error: null })
          const done = yield* store.get(task.id)
          expect(Option.map(done, (t) => [t.state, t.result])).toEqual(
            Option.some(["SUCCEEDED", { servers: [] }])
          )
          // A message for a finished task is stale: nothing to claim.
          expect(yield* leases.claim(task.id, "worker-c", Duration.seconds(30))).toEqual(Option.none())
        })
    )

    it.effect("a task handed back on shutdown waits as PENDING and the next claim counts a restart", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore
        const leases = yield* TaskLeases
        const { task } = yield* store.create(newTask())
        const a = yield* leases.claim(task.id, "worker-a", Duration.seconds(30))
        if (Option.isNone(a)) return expect.unreachable()
        yield* leases.handBack(a.value)
        expect(Option.map(yield* store.get(task.id), (t) => t.state)).toEqual(Option.some("PENDING"))
        const b = yield* leases.claim(task.id, "worker-b", Duration.seconds(30))
        expect(Option.map(b, (l) => [l.fence, l.state])).toEqual(Option.some([2, "RUNNING"]))
        yield* store.requestCancel(task.id, undefined)
        expect(yield* leases.cancelsRequested([task.id, crypto.randomUUID()])).toEqual([task.id])
      })
    )
  })
})
