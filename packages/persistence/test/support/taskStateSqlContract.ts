/**
 * Every statement that changes a task's state, run from every state on a real database, and held to
 * `TaskState`: each observed change must be one the transition table allows and the one its event
 * names, a stay must be one the event names, and a refused change must leave the row exactly as it
 * was. The same cases run on the PostgreSQL server and on PGlite.
 */
import { SqlClient } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { TaskState } from "@enamel/domain"
import { HeldTasks, type Lease, TaskLeases, TaskStore } from "@enamel/persistence"
import { Duration, Effect, Either, Layer, Option, Schema } from "effect"
import { newTask } from "./newTask.js"

const states = TaskState.TaskState.literals
const holder = "w-holder"
const fence = 7

/** A row as it is, whole (for "untouched"), with its state decoded. */
const Snapshot = Schema.Array(Schema.Struct({ state: TaskState.TaskState, row: Schema.Unknown }))
const decodeSnapshot = Schema.decodeUnknown(Snapshot)

/** What a statement's caller is told: that it acted, that it was refused, or nothing. */
type Answer = "changed" | "refused" | "nothing"

interface Driver {
  readonly event: TaskState.TaskEvent
  /** handBack tells its caller nothing (it returns void): only the row says what it did. */
  readonly silent?: boolean
  /** Runs the statement on a task in `from`, held by `holder` with `fence` (a live lease). */
  readonly run: (
    taskId: string,
    from: TaskState.TaskState
  ) => Effect.Effect<Answer, unknown, TaskStore | TaskLeases | HeldTasks>
}

const leaseOn = (taskId: string, from: TaskState.TaskState): Lease => ({
  taskId,
  owner: holder,
  fence,
  state: from,
  restarts: 0
})

const finishing = (outcome: TaskState.Outcome): Driver => ({
  event: TaskState.finish(outcome),
  run: (taskId, from) =>
    Effect.flatMap(TaskLeases, (leases) =>
      leases.finish(leaseOn(taskId, from), { state: outcome, result: null, error: null }).pipe(
        Effect.as<Answer>("changed"),
        Effect.catchTag("LeaseLost", () => Effect.succeed<Answer>("refused"))
      )
    )
})

const drivers: ReadonlyArray<Driver> = [
  {
    event: TaskState.claim,
    // The claimer already holds the lease, so only the state can refuse it; a refused claim is None.
    run: (taskId) =>
      Effect.flatMap(TaskLeases, (leases) =>
        Effect.map(leases.claim(taskId, holder, Duration.minutes(1)), (lease) =>
          Option.isSome(lease) ? "changed" : "refused"
        )
      )
  },
  {
    event: TaskState.cancel,
    run: (taskId) =>
      Effect.flatMap(TaskStore, (store) =>
        store.requestCancel(taskId, "p-alpha").pipe(
          Effect.as<Answer>("changed"),
          Effect.catchTag("TaskNotCancellable", () => Effect.succeed<Answer>("refused"))
        )
      )
  },
  {
    event: TaskState.handBack,
    silent: true,
    run: (taskId, from) =>
      Effect.flatMap(TaskLeases, (leases) => Effect.as(leases.handBack(leaseOn(taskId, from)), "nothing"))
  },
  ...(["retry", "rollback"] as const).map(
    (action): Driver => ({
      event: TaskState[action],
      // A FAILED task is set up held (see taskIn): only a held one may be taken up.
      run: (taskId) =>
        Effect.flatMap(HeldTasks, (held) =>
          held[action](taskId, "p-alpha").pipe(
            Effect.as<Answer>("changed"),
            Effect.catchTag("TaskNotHeld", () => Effect.succeed<Answer>("refused"))
          )
        )
    })
  ),
  finishing("SUCCEEDED"),
  finishing("FAILED"),
  finishing("CANCELLED"),
  finishing("ROLLED_BACK")
]

const snapshot = (taskId: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`SELECT state, to_jsonb(t) AS row FROM tasks t WHERE id = ${taskId}`.pipe(
      Effect.flatMap(decodeSnapshot),
      Effect.map((rows) => rows[0]),
      Effect.flatMap(Effect.fromNullable)
    )
  )

/** A task in `from`, its lease live and held by `holder` with `fence`. Test set-up, not a transition. */
const taskIn = (from: TaskState.TaskState) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { task } = yield* Effect.flatMap(TaskStore, (store) => store.create(newTask()))
    yield* sql`UPDATE tasks SET state = ${from}, fence = ${fence}, lease_owner = ${holder},
                 lease_expires_at = now() + interval '1 minute', on_failure = 'keep', held = ${from === "FAILED"}
               WHERE id = ${task.id}`
    return task.id
  })

export const taskStateSqlContract = <E>(
  backend: string,
  database: Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, E>
) =>
  describe(`task states in SQL follow TaskState (${backend})`, () => {
    it.layer(
      Layer.provideMerge(
        HeldTasks.Default,
        Layer.provideMerge(Layer.mergeAll(TaskStore.Default, TaskLeases.Default), database)
      ),
      {
        timeout: 60_000
      }
    )((it) => {
      it.effect("the CHECK constraint on tasks.state lists exactly TaskState's states", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const checks = yield* sql<{ definition: string }>`
            SELECT pg_get_constraintdef(c.oid) AS definition
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.conrelid = 'tasks'::regclass AND c.contype = 'c' AND a.attname = 'state'`
          expect(checks).toHaveLength(1)
          const listed = [...(checks[0]?.definition ?? "").matchAll(/'([^']*)'::text/g)].map((m) => m[1])
          expect(listed.sort()).toEqual([...states].sort())
        })
      )

      it.effect("a new task is written in TaskState.initialState", () =>
        Effect.gen(function* () {
          const { task } = yield* Effect.flatMap(TaskStore, (store) => store.create(newTask()))
          expect(task.state).toBe(TaskState.initialState)
          expect((yield* snapshot(task.id)).state).toBe(TaskState.initialState)
        })
      )

      it("drives every event of TaskState (a new one needs its statement here)", () => {
        expect(drivers.map((d) => d.event.name).sort()).toEqual(TaskState.events.map((e) => e.name).sort())
      })

      for (const { event, silent, run } of drivers) {
        it.effect(`${event.name}, from every state, does what TaskState.${event.name} says`, () =>
          Effect.forEach(
            states,
            (from) =>
              Effect.gen(function* () {
                const taskId = yield* taskIn(from)
                const before = yield* snapshot(taskId)
                const answer = yield* Effect.either(run(taskId, from))
                const after = yield* snapshot(taskId)
                const expected = TaskState.stateAfter(event, from)
                const told = Either.match(answer, {
                  onLeft: (error) => `failed: ${String(error)}`,
                  onRight: (a) => a
                })
                // Named, so that a failure says which event from which state.
                const seen = { event: event.name, from, to: after.state, told }
                if (Option.isNone(expected)) {
                  expect(seen).toEqual({ ...seen, to: from, told: silent ? "nothing" : "refused" })
                  expect(after.row).toEqual(before.row)
                } else {
                  expect(seen).toEqual({ ...seen, to: expected.value, told: silent ? "nothing" : "changed" })
                  // The table itself, not only the event: a change it does not hold fails here.
                  if (after.state !== from) expect(TaskState.canTransition(from, after.state)).toBe(true)
                }
              }),
            { discard: true }
          )
        )
      }
    })
  })
