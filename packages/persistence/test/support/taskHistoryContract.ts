/**
 * What issue #20 asks of the task store around a task's life, on the PostgreSQL server and on PGlite
 * (the embedded process): the tasks of a resource (`resource_ids`, kept when a task ends; searched in
 * the params and timeline of one that has not), waiting for a task to end with one shared wake-up per
 * task, and retention (only tasks that ended long ago go, with their timelines; running ones stay).
 */
import { SqlClient } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import { describe, expect, layer } from "@effect/vitest"
import {
  CheckpointsPg,
  purgeEndedTasks,
  TaskLeases,
  TaskProgress,
  TaskStore,
  TaskWaiters
} from "@enamel/persistence"
import { Duration, Effect, Fiber, Layer, Option, TestServices } from "effect"
import { newTask, succeededEntry } from "./newTask.js"

/** A task of its own project, claimed, with one stage done whose result names `made`. */
const runningTask = (params: unknown, made: string) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const leases = yield* TaskLeases
    const projectId = `p-${crypto.randomUUID().slice(0, 8)}`
    const { task } = yield* store.create(newTask({ projectId, params }))
    const lease = yield* leases.claim(task.id, "worker-a", Duration.seconds(30))
    if (Option.isNone(lease)) return yield* Effect.dieMessage("not claimed")
    const checkpoints = yield* CheckpointsPg.make({ taskId: task.id, fence: lease.value.fence })
    yield* checkpoints.record(succeededEntry(task.id, "createVolume", { id: made, size: 1 }))
    return { task, lease: lease.value, projectId }
  })

const listed = (projectId: string, resource: string) =>
  Effect.flatMap(TaskStore, (store) =>
    Effect.map(store.list({ projectId, resource, limit: 100 }), (tasks) => tasks.map((t) => t.id))
  )

const live = <A, E, R>(self: Effect.Effect<A, E, R>) => TestServices.provideLive(self)

export const taskHistoryContract = <E>(
  backend: string,
  database: Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, E>
) =>
  describe(`task history: resources, waits, progress, retention (${backend})`, () => {
    const stores = Layer.mergeAll(
      TaskStore.Default,
      TaskLeases.Default,
      TaskWaiters.Default,
      TaskProgress.Default
    ).pipe(Layer.provideMerge(database))
    layer(stores, { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect(
        "finds a task by the ids in its params, its stages' results and its result, before and after it ends",
        () =>
          Effect.gen(function* () {
            const leases = yield* TaskLeases
            const server: string = crypto.randomUUID()
            const volume: string = crypto.randomUUID()
            const port: string = crypto.randomUUID()
            const unrelated: string = crypto.randomUUID()
            const { task, lease, projectId } = yield* runningTask({ server_id: server.toUpperCase() }, volume)
            // Unfinished: found through its params and timeline, read at query time.
            expect(yield* listed(projectId, server)).toEqual([task.id])
            expect(yield* listed(projectId, volume)).toEqual([task.id])
            expect(yield* listed(projectId, port)).toEqual([])
            yield* leases.finish(lease, {
              state: "SUCCEEDED",
              result: { ports: [{ id: port }] },
              error: null
            })
            const sql = yield* SqlClient.SqlClient
            const [row] = yield* sql<{ resourceIds: ReadonlyArray<string> }>`
            SELECT resource_ids FROM tasks WHERE id = ${task.id}`
            expect([...(row?.resourceIds ?? [])].sort()).toEqual([server, volume, port].sort())
            for (const id of [server, volume, port]) expect(yield* listed(projectId, id)).toEqual([task.id])
            expect(yield* listed(projectId, unrelated)).toEqual([])
            // Another project does not see it.
            expect(yield* listed("p-other", server)).toEqual([])
            // Its progress: one stage done, in one statement for any number of tasks.
            const done = yield* (yield* TaskProgress).stagesDone([task.id, unrelated])
            expect([...done.entries()]).toEqual([[task.id, 1]])
          })
      )

      it.effect(
        "a wait ends when the task ends, long before its timeout; every waiter shares one wake-up",
        () =>
          Effect.gen(function* () {
            const leases = yield* TaskLeases
            const waiters = yield* TaskWaiters
            const { task, lease } = yield* runningTask({}, crypto.randomUUID())
            const started = Date.now()
            const held = yield* Effect.fork(
              live(
                Effect.all(
                  Array.from({ length: 20 }, () => waiters.awaitEnd(task.id, Duration.seconds(20))),
                  {
                    concurrency: "unbounded"
                  }
                )
              )
            )
            yield* live(Effect.sleep("300 millis"))
            expect(yield* waiters.waitedTasks).toBe(1)
            yield* leases.finish(lease, { state: "SUCCEEDED", result: null, error: null })
            const woken = yield* Fiber.join(held)
            expect(woken.every((ended) => ended)).toBe(true)
            expect(Date.now() - started).toBeLessThan(3_000)
            expect(yield* waiters.waitedTasks).toBe(0)
          })
      )

      it.effect("a wait on a task that does not end answers after its timeout", () =>
        Effect.gen(function* () {
          const waiters = yield* TaskWaiters
          const { task } = yield* runningTask({}, crypto.randomUUID())
          const started = Date.now()
          expect(yield* live(waiters.awaitEnd(task.id, Duration.seconds(1)))).toBe(false)
          expect(Date.now() - started).toBeGreaterThanOrEqual(1_000)
          expect(yield* waiters.waitedTasks).toBe(0)
        })
      )

      it.effect(
        "retention purges only tasks that ended long ago, with their timelines; running ones stay",
        () =>
          Effect.gen(function* () {
            const leases = yield* TaskLeases
            const store = yield* TaskStore
            const sql = yield* SqlClient.SqlClient
            const old = yield* runningTask({}, crypto.randomUUID())
            yield* leases.finish(old.lease, {
              state: "FAILED",
              result: null,
              error: { code: "x", message: "x" }
            })
            const recent = yield* runningTask({}, crypto.randomUUID())
            yield* leases.finish(recent.lease, { state: "SUCCEEDED", result: null, error: null })
            const oldRunning = yield* runningTask({}, crypto.randomUUID())
            const { task: oldPending } = yield* store.create(newTask())
            const ids = [old.task.id, oldRunning.task.id, oldPending.id]
            yield* sql`UPDATE tasks SET created_at = now() - interval '90 days',
                       ended_at = CASE WHEN ended_at IS NULL THEN NULL ELSE now() - interval '31 days' END
                     WHERE id IN ${sql.in(ids)}`
            const purged = yield* purgeEndedTasks(Duration.days(30))
            expect(Option.getOrElse(purged, () => -1)).toBeGreaterThanOrEqual(1)
            const left = yield* sql<{ id: string }>`SELECT id::text FROM tasks
            WHERE id IN ${sql.in([...ids, recent.task.id])}`
            expect(left.map((r) => r.id).sort()).toEqual(
              [oldRunning.task.id, oldPending.id, recent.task.id].sort()
            )
            const timeline = yield* sql<{ taskId: string }>`SELECT DISTINCT task_id::text FROM task_timeline
            WHERE task_id IN ${sql.in([old.task.id, recent.task.id])}`
            expect(timeline.map((r) => r.taskId)).toEqual([recent.task.id])
            expect(Option.isNone(yield* store.get(old.task.id))).toBe(true)
          })
      )
    })
  })
