import { PgClient } from "@effect/sql-pg"
import { TaskState } from "@enamel/domain"
import { Deferred, Duration, Effect, Option, Queue, Schedule } from "effect"
import * as TaskStateSql from "./taskStateSql.js"

/**
 * `GET /tasks/{id}?wait=SECONDS`: requests held until their task ends, at no database cost per request.
 * Every request waiting on a task shares one wake-up (a Deferred); one loop in the process checks every
 * waited task in one statement per tick (`WHERE id = ANY(…)`) and wakes the waiters of those that ended
 * (or are gone). With nobody waiting the loop sleeps and reads nothing. Polling, not LISTEN: a NOTIFY at
 * every state change would serialise the committing writes of every worker (see TaskStore's wake-ups),
 * and a tick costs one indexed read whatever the number of held requests. Works the same on PGlite.
 */

/** How often the waited tasks are read while any request waits: the latency of a wake-up. */
export const waitTick = Schedule.spaced(Duration.millis(250))

const ended = TaskStateSql.stateIn(TaskState.terminalStates)

interface Waited {
  readonly wake: Deferred.Deferred<void>
  holders: number
}

export class TaskWaiters extends Effect.Service<TaskWaiters>()("@enamel/persistence/TaskWaiters", {
  scoped: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const waited = new Map<string, Waited>()
    const someoneWaits = yield* Queue.sliding<void>(1)

    /** One statement for every waited task: those still unfinished stay, the others are woken. */
    const check = Effect.gen(function* () {
      const ids = [...waited.keys()]
      if (ids.length === 0) return
      const open = yield* sql<{ id: string }>`
        SELECT id::text FROM tasks WHERE id = ANY(${ids}::uuid[]) AND NOT ${ended}`
      const stillOpen = new Set(open.map((row) => row.id))
      for (const id of ids) {
        const entry = waited.get(id)
        if (entry !== undefined && !stillOpen.has(id)) {
          waited.delete(id)
          yield* Deferred.succeed(entry.wake, undefined)
        }
      }
    })

    const tick = Effect.gen(function* () {
      if (waited.size === 0) yield* someoneWaits.take
      yield* check.pipe(
        Effect.catchAllCause((cause) => Effect.logWarning("could not check the waited tasks", cause))
      )
    })
    // A background loop: no trace of its own every tick.
    yield* Effect.forkScoped(Effect.repeat(tick, waitTick).pipe(Effect.withTracerEnabled(false)))

    const hold = (id: string) =>
      Effect.gen(function* () {
        const existing = waited.get(id)
        if (existing !== undefined) {
          existing.holders += 1
          return existing
        }
        const entry: Waited = { wake: yield* Deferred.make<void>(), holders: 1 }
        waited.set(id, entry)
        yield* someoneWaits.offer(undefined)
        return entry
      })
    const release = (id: string, entry: Waited) =>
      Effect.sync(() => {
        entry.holders -= 1
        if (entry.holders === 0 && waited.get(id) === entry) waited.delete(id)
      })

    /**
     * Waits until the task `id` has ended (or is gone), at most `timeout`; true if it ended in time.
     * The caller reads the task afterwards.
     */
    const awaitEnd = Effect.fn("TaskWaiters.awaitEnd")(function* (id: string, timeout: Duration.Duration) {
      const woken = yield* Effect.acquireUseRelease(
        hold(id),
        (entry) => Effect.timeoutOption(Deferred.await(entry.wake), timeout),
        (entry) => release(id, entry)
      )
      return Option.isSome(woken)
    })

    /** How many tasks are waited on now (one wake-up each, whatever the number of requests). */
    const waitedTasks = Effect.sync(() => waited.size)

    return { awaitEnd, waitedTasks } as const
  })
}) {}
