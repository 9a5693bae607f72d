import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { HeldTasks, TaskLeases, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Duration, Effect, Layer, Option } from "effect"
import { newTask } from "./support/newTask.js"

const layer = Layer.provideMerge(
  HeldTasks.Default,
  Layer.provideMerge(Layer.mergeAll(TaskStore.Default, TaskLeases.Default), TestDatabase.layerPglite)
)

const failure = { code: "test.boom", message: "boom in server", stage: "server" }

/** A task accepted with `onFailure`, run by a worker and ended FAILED (held when the flow says so). */
const failedTask = (onFailure: "keep" | "rollback", held: boolean) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const leases = yield* TaskLeases
    const { task } = yield* store.create(newTask({ onFailure }))
    const lease = Option.getOrThrow(yield* leases.claim(task.id, "w-1", Duration.minutes(1)))
    yield* leases.finish(lease, { state: "FAILED", result: null, error: failure, held })
    return task.id
  })

const outboxRows = (taskId: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ n: number }>`SELECT count(*)::int AS n FROM task_outbox WHERE task_id = ${taskId}`,
      (r) => r[0]?.n
    )
  )

describe("held tasks in the store (PGlite)", () => {
  it.layer(layer, { timeout: 60_000 })((it) => {
    it.effect("a held task is retried once: RUNNING, counted, announced again through the outbox", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore
        const held = yield* HeldTasks
        const id = yield* failedTask("keep", true)
        const before = Option.getOrThrow(yield* store.get(id))
        expect(before).toMatchObject({ state: "FAILED", onFailure: "keep", held: true, error: failure })
        // Another project's task answers as a missing one, as cancel does.
        expect((yield* Effect.flip(held.retry(id, "p-other")))._tag).toBe("TaskNotFound")
        const outbox = yield* outboxRows(id)
        const retried = yield* held.retry(id, "p-alpha")
        expect(retried).toMatchObject({
          state: "RUNNING",
          held: false,
          retries: 1,
          error: null,
          endedAt: null
        })
        expect(yield* outboxRows(id)).toBe((outbox ?? 0) + 1)
        const again = yield* Effect.flip(held.retry(id, "p-alpha"))
        expect(again).toMatchObject({ _tag: "TaskNotHeld", state: "RUNNING", code: "task.not_held" })
        // The worker takes the retried task up (claim from RUNNING with no lease).
        const lease = yield* (yield* TaskLeases).claim(id, "w-2", Duration.minutes(1))
        expect(Option.map(lease, (l) => l.state)).toEqual(Option.some("RUNNING"))
      })
    )

    it.effect("a held task rolled back is ROLLING_BACK, taken by a worker, and ends ROLLED_BACK", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore
        const leases = yield* TaskLeases
        const id = yield* failedTask("keep", true)
        const moving = yield* (yield* HeldTasks).rollback(id, undefined)
        expect(moving).toMatchObject({ state: "ROLLING_BACK", held: false, retries: 0, error: failure })
        const lease = Option.getOrThrow(yield* leases.claim(id, "w-3", Duration.minutes(1)))
        expect(lease.state).toBe("ROLLING_BACK")
        // A cancel of a rolling-back task is refused: it is undoing already.
        expect((yield* Effect.flip(store.requestCancel(id, "p-alpha")))._tag).toBe("TaskNotCancellable")
        yield* leases.finish(lease, { state: "ROLLED_BACK", result: null, error: failure })
        expect(Option.getOrThrow(yield* store.get(id))).toMatchObject({ state: "ROLLED_BACK", held: false })
      })
    )

    it.effect(
      "a FAILED task that is not held cannot be retried or rolled back, nor a held one cancelled",
      () =>
        Effect.gen(function* () {
          const held = yield* HeldTasks
          const store = yield* TaskStore
          const rolledBack = yield* failedTask("rollback", false)
          expect(yield* Effect.flip(held.retry(rolledBack, "p-alpha"))).toMatchObject({
            _tag: "TaskNotHeld",
            state: "FAILED"
          })
          expect((yield* Effect.flip(held.rollback(rolledBack, "p-alpha")))._tag).toBe("TaskNotHeld")
          const kept = yield* failedTask("keep", true)
          expect((yield* Effect.flip(store.requestCancel(kept, "p-alpha")))._tag).toBe("TaskNotCancellable")
          expect(Option.getOrThrow(yield* store.get(kept)).held).toBe(true)
        })
    )
  })
})
