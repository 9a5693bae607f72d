import { PgClient } from "@effect/sql-pg"
import { TaskState } from "@enamel/domain"
import { Config, Duration, Effect, Option, Schedule } from "effect"
import { TaskStoreError } from "./TaskStore.js"
import * as TaskStateSql from "./taskStateSql.js"

/**
 * Retention: a task that ended (`TaskState.isTerminal`) more than ENAMEL_TASK_RETENTION ago (default
 * 30 days; a duration such as "30 days" or "2 hours") is deleted with its timeline; its outbox rows go
 * with it (ON DELETE CASCADE), its Idempotency-Key is a column of the row. A task that has not ended is
 * never purged, however old. Every worker (and the embedded process) runs the purge periodically; one at
 * a time across the fleet, by a transaction-level advisory lock that a busy purger holds and the others
 * skip. On PGlite (one session, one process) the single connection serialises them.
 */
export const retention = Config.duration("ENAMEL_TASK_RETENTION").pipe(Config.withDefault(Duration.days(30)))

/** How often a worker looks for tasks to purge. */
export const purgeEvery = Schedule.spaced(Duration.minutes(10))

/** Rows deleted per statement: a purge of a long backlog does not hold one huge transaction. */
const batch = 1000

const ended = TaskStateSql.stateIn(TaskState.terminalStates)

/**
 * One purge: deletes, in batches, every task that ended before `now() - keep`, with its timeline.
 * None when another purger holds the lock (it does the work); Some(n) with the number purged otherwise.
 */
export const purgeEndedTasks = Effect.fn("TaskRetention.purge")(function* (keep: Duration.Duration) {
  const sql = yield* PgClient.PgClient
  const age = `${Duration.toMillis(keep)} milliseconds`
  const purgeBatch = sql.withTransaction(
    Effect.gen(function* () {
      const [lock] = yield* sql<{ locked: boolean }>`
        SELECT pg_try_advisory_xact_lock(hashtext('enamel.task_retention')) AS locked`
      if (lock?.locked !== true) return Option.none<number>()
      const [gone] = yield* sql<{ purged: number }>`
        WITH gone AS (
          DELETE FROM tasks WHERE id IN (
            SELECT id FROM tasks
            WHERE ended_at IS NOT NULL AND ended_at < now() - ${age}::interval AND ${ended}
            LIMIT ${batch} FOR UPDATE SKIP LOCKED)
          RETURNING id
        ), timeline AS (
          DELETE FROM task_timeline WHERE task_id IN (SELECT id FROM gone)
        )
        SELECT count(*)::integer AS purged FROM gone`
      return Option.some(gone?.purged ?? 0)
    })
  )
  let total = 0
  while (true) {
    const purged = yield* purgeBatch.pipe(Effect.mapError((cause) => new TaskStoreError({ cause })))
    if (Option.isNone(purged)) return total === 0 ? Option.none<number>() : Option.some(total)
    total += purged.value
    if (purged.value < batch) return Option.some(total)
  }
})

/** The periodic purge: at start, then every 10 minutes; a failed one is logged and tried next time. */
export class TaskRetention extends Effect.Service<TaskRetention>()("@enamel/persistence/TaskRetention", {
  scoped: Effect.gen(function* () {
    const keep = yield* retention
    const sql = yield* PgClient.PgClient
    const once = purgeEndedTasks(keep).pipe(
      Effect.provideService(PgClient.PgClient, sql),
      Effect.tap((purged) =>
        Option.isSome(purged) && purged.value > 0
          ? Effect.logInfo(`purged ${purged.value} task(s) ended more than ${Duration.format(keep)} ago`)
          : Effect.void
      ),
      Effect.catchAllCause((cause) => Effect.logWarning("could not purge old tasks", cause))
    )
    // A background loop: no trace of its own every purge.
    yield* Effect.forkScoped(Effect.repeat(once, purgeEvery).pipe(Effect.withTracerEnabled(false)))
    return { keep } as const
  })
}) {}
