import { describe, expect, it } from "@effect/vitest"
import { CheckpointError, Checkpoints, Flow, runFlow, Stage, type TimelineWrite } from "@enamel/domain"
import { CheckpointsPg, type Lease, TaskLeases, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { DateTime, Duration, Effect, Layer, Option, Schema, TestServices } from "effect"
import { newTask } from "./support/newTask.js"

const entry = (taskId: string, path: string, state: TimelineWrite["state"]): TimelineWrite => ({
  taskId,
  path,
  phase: "run",
  attempt: 1,
  state,
  startedAt: DateTime.unsafeMake(1_700_000_000_123),
  endedAt: state === "RUNNING" ? null : DateTime.unsafeMake(1_700_000_000_456),
  durationMs: state === "RUNNING" ? null : 333,
  // A bare string, as many stages return: stored as a JSON string.
  result: state === "SUCCEEDED" ? "vol-1" : null,
  error: state === "FAILED" ? { code: "test.boom", message: "boom", stage: path } : null,
  detail: { requestIds: [`req-${path}`] }
})

const Stores = Layer.mergeAll(TaskStore.Default, TaskLeases.Default).pipe(
  Layer.provideMerge(TestDatabase.layer)
)

/** A task claimed by worker-a, then (its lease run out) taken over by worker-b. */
const takenOver = Effect.gen(function* () {
  const leases = yield* TaskLeases
  const { task } = yield* (yield* TaskStore).create(newTask())
  const a = yield* leases.claim(task.id, "worker-a", Duration.millis(200))
  if (Option.isNone(a)) return yield* Effect.dieMessage("worker-a could not claim")
  const takeOver = Effect.gen(function* () {
    yield* TestServices.provideLive(Effect.sleep("300 millis"))
    const b = yield* leases.claim(task.id, "worker-b", Duration.seconds(30))
    if (Option.isNone(b)) return yield* Effect.dieMessage("worker-b could not take over")
    return b.value
  })
  return { taskId: task.id, a: a.value, takeOver }
})

const fenced = (lease: Lease) => CheckpointsPg.make({ taskId: lease.taskId, fence: lease.fence })

describe("PostgreSQL checkpoints", () => {
  it.layer(Stores, { timeout: 60_000 })((it) => {
    it.effect("writes several entries in one statement, in order, each as written", () =>
      Effect.gen(function* () {
        const { taskId, a } = yield* takenOver
        const store = yield* fenced(a)
        yield* store.recordAll([entry(taskId, "volume", "RUNNING")])
        yield* store.recordAll([entry(taskId, "volume", "SUCCEEDED"), entry(taskId, "port", "RUNNING")])
        const seq = yield* store.record(entry(taskId, "port", "FAILED"))
        const timeline = yield* store.timeline(taskId)
        expect(timeline.map((e) => `${e.path}:${e.state}`)).toEqual(["volume:SUCCEEDED", "port:FAILED"])
        expect(timeline[1]?.seq).toBe(seq)
        const stored = (e: (typeof timeline)[number] | undefined) =>
          e && [e.startedAt.epochMillis, e.endedAt?.epochMillis, e.durationMs, e.result, e.error, e.detail]
        const written = (e: TimelineWrite) => [
          e.startedAt.epochMillis,
          e.endedAt?.epochMillis,
          e.durationMs,
          e.result,
          e.error,
          e.detail
        ]
        expect(stored(timeline[0])).toEqual(written(entry(taskId, "volume", "SUCCEEDED")))
        expect(stored(timeline[1])).toEqual(written(entry(taskId, "port", "FAILED")))
      })
    )

    it.effect("a worker whose lease was taken over stores nothing of a write carrying an outcome", () =>
      Effect.gen(function* () {
        const { taskId, a, takeOver } = yield* takenOver
        const asA = yield* fenced(a)
        yield* asA.record(entry(taskId, "volume", "RUNNING"))
        const b = yield* takeOver
        const refused = yield* Effect.flip(
          asA.recordAll([entry(taskId, "volume", "SUCCEEDED"), entry(taskId, "port", "RUNNING")])
        )
        expect(refused).toBeInstanceOf(CheckpointError)
        const asB = yield* fenced(b)
        expect((yield* asB.timeline(taskId)).map((e) => `${e.path}:${e.state}`)).toEqual(["volume:RUNNING"])
        yield* asB.recordAll([entry(taskId, "volume", "SUCCEEDED"), entry(taskId, "port", "RUNNING")])
        expect((yield* asB.timeline(taskId)).map((e) => `${e.path}:${e.state}`)).toEqual([
          "volume:SUCCEEDED",
          "port:RUNNING"
        ])
      })
    )

    it.effect(
      "a run whose lease is taken over mid-stage stops at its next write: no later stage starts",
      () =>
        Effect.gen(function* () {
          const { taskId, a, takeOver } = yield* takenOver
          let portRan = false
          // The worker pauses inside the volume stage long enough for another to take the task over.
          const volume = Stage.make({
            name: "volume",
            result: Schema.String,
            run: () => Effect.as(takeOver, "vol-1")
          })
          const port = Stage.make({
            name: "port",
            result: Schema.String,
            run: () =>
              Effect.sync(() => {
                portRan = true
                return "port-1"
              })
          })
          const flow = Flow.make({
            type: "test.fenced",
            params: Schema.Void,
            result: Schema.String,
            program: () => Effect.zipRight(Flow.stage(volume, null), Flow.stage(port, null))
          })
          const exit = yield* Effect.exit(
            runFlow(flow, { taskId, params: undefined }).pipe(
              Effect.provideService(Checkpoints.Checkpoints, yield* fenced(a))
            )
          )
          expect(exit._tag).toBe("Failure")
          expect(portRan).toBe(false)
          const timeline = yield* (yield* fenced(a)).timeline(taskId)
          expect(timeline.filter((e) => e.phase === "run").map((e) => `${e.path}:${e.state}`)).toEqual([
            "volume:RUNNING"
          ])
        })
    )
  })
})
