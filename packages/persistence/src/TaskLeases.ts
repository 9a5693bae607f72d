import { PgClient } from "@effect/sql-pg"
import { type ErrorInfo, TaskState } from "@enamel/domain"
import { TraceContext } from "@enamel/telemetry"
import { Data, Duration, Effect, Metric, Option, Schema } from "effect"
import { takeovers } from "./metrics.js"
import { CANCEL_CHANNEL, TaskStoreError } from "./TaskStore.js"
import * as TaskStateSql from "./taskStateSql.js"

/** A claim on a task: who holds it, and the fence every write for the task must carry. */
export interface Lease {
  readonly taskId: string
  readonly owner: string
  readonly fence: number
  /** The task's state when claimed: RUNNING, or CANCELLING when a cancel came first. */
  readonly state: TaskState.TaskState
  /** How many times the task was taken again after another claim (crash, shutdown, lost lease). */
  readonly restarts: number
}

/** Another worker holds a live lease on the task. */
export class LeaseHeld extends Data.TaggedError("LeaseHeld")<{
  readonly taskId: string
  readonly owner: string
}> {}

/** This worker's lease was taken over (it expired while the worker was away): stop, write nothing more. */
export class LeaseLost extends Data.TaggedError("LeaseLost")<{ readonly taskId: string }> {}

const Claimed = Schema.Struct({
  fence: Schema.NumberFromString,
  state: TaskState.TaskState,
  restarts: Schema.Int,
  previousOwner: Schema.NullOr(Schema.String)
})
const Current = Schema.Struct({
  state: TaskState.TaskState,
  leaseOwner: Schema.NullOr(Schema.String)
})

const cancelling = TaskStateSql.stateIn(["CANCELLING"])

// Compiled once, not per claim: a worker claims and finishes every task it runs.
const decodeRows = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknown(Schema.Array(schema))
  return (rows: ReadonlyArray<unknown>) => Effect.orDie(decode(rows))
}
const decodeClaimed = decodeRows(Claimed)
const decodeCurrent = decodeRows(Current)

/** Leases on tasks in PostgreSQL: claim, renew, finish, hand back. */
export class TaskLeases extends Effect.Service<TaskLeases>()("@enamel/persistence/TaskLeases", {
  effect: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const down = (cause: unknown) => new TaskStoreError({ cause })
    // The series exists at 0 from the start, so that `increase()` sees the first takeover too.
    yield* Metric.incrementBy(takeovers, 0)

    /**
     * Takes the task for `owner` unless another owner's lease is live. A finished task yields None:
     * its message is stale and can be acknowledged.
     */
    const claim = Effect.fn("TaskLeases.claim")(function* (
      taskId: string,
      owner: string,
      ttl: Duration.Duration
    ) {
      const claimed = yield* sql`
        UPDATE tasks SET
          state = ${TaskStateSql.claim.next},
          started_at = coalesce(started_at, now()),
          lease_owner = ${owner},
          lease_expires_at = now() + ${`${Duration.toMillis(ttl)} milliseconds`}::interval,
          fence = fence + 1,
          restarts = restarts + CASE WHEN fence > 0 THEN 1 ELSE 0 END,
          updated_at = now()
        WHERE id = ${taskId} AND ${TaskStateSql.claim.applies}
          AND (lease_owner IS NULL OR lease_owner = ${owner} OR lease_expires_at < now())
        RETURNING fence::text, state, restarts,
          (SELECT was.lease_owner FROM tasks was WHERE was.id = tasks.id) AS previous_owner`.pipe(
        Effect.flatMap(decodeClaimed),
        Effect.mapError(down)
      )
      const first = claimed[0]
      if (first !== undefined) {
        // The subquery reads the row as it was before this statement: another owner means its lease
        // had expired (the WHERE lets no live one through), so this claim takes the task over.
        if (first.previousOwner !== null && first.previousOwner !== owner) yield* Metric.increment(takeovers)
        return Option.some<Lease>({
          taskId,
          owner,
          fence: first.fence,
          state: first.state,
          restarts: first.restarts
        })
      }
      const current = yield* sql`SELECT state, lease_owner FROM tasks WHERE id = ${taskId}`.pipe(
        Effect.flatMap(decodeCurrent),
        Effect.mapError(down)
      )
      const task = current[0]
      if (task === undefined || TaskState.isTerminal(task.state)) return Option.none<Lease>()
      return yield* new LeaseHeld({ taskId, owner: task.leaseOwner ?? "unknown" })
    })

    const fenced = (lease: Lease) => sql`id = ${lease.taskId} AND fence = ${lease.fence}`

    /** Extends the lease; fails with LeaseLost when someone else took the task. */
    const renew = (lease: Lease, ttl: Duration.Duration) =>
      sql`UPDATE tasks SET lease_expires_at = now() + ${`${Duration.toMillis(ttl)} milliseconds`}::interval
          WHERE ${fenced(lease)} RETURNING id`.pipe(
        Effect.mapError(down),
        Effect.flatMap((rows) =>
          rows.length === 0 ? Effect.fail(new LeaseLost({ taskId: lease.taskId })) : Effect.void
        )
      )

    /**
     * Extends many leases in one statement (a worker's heartbeat); returns those lost: taken over, or
     * no longer held (ended, handed back).
     */
    const renewAll = (held: ReadonlyArray<Lease>, ttl: Duration.Duration) =>
      sql<{ id: string; fence: string }>`
        UPDATE tasks SET lease_expires_at = now() + ${`${Duration.toMillis(ttl)} milliseconds`}::interval
        FROM unnest(${held.map((l) => l.taskId)}::uuid[], ${held.map((l) => String(l.fence))}::bigint[],
                    ${held.map((l) => l.owner)}::text[]) AS held (id, fence, owner)
        WHERE tasks.id = held.id AND tasks.fence = held.fence AND tasks.lease_owner = held.owner
        RETURNING tasks.id::text, tasks.fence::text`.pipe(
        Effect.mapError(down),
        Effect.map((rows) => {
          const renewed = new Set(rows.map((r) => `${r.id}/${r.fence}`))
          return held.filter((l) => !renewed.has(`${l.taskId}/${l.fence}`))
        })
      )

    /**
     * The task ended: its final state, result or error, and the lease released, in one fenced write.
     * LeaseLost when the fence is stale, or the task is in no state this outcome may follow.
     */
    const finish = Effect.fn("TaskLeases.finish")(function* (
      lease: Lease,
      outcome: {
        readonly state: TaskState.Outcome
        readonly result: unknown
        readonly error: ErrorInfo | null
        /** FAILED with what it made kept (`on_failure: "keep"`): a retry or a rollback may take it up. */
        readonly held?: boolean
      }
    ) {
      const event = TaskStateSql.finish(outcome.state)
      const rows = yield* sql`
        UPDATE tasks SET state = ${event.next},
          result = ${outcome.result === null ? null : JSON.stringify(outcome.result)}::jsonb,
          error = ${outcome.error === null ? null : JSON.stringify(outcome.error)}::jsonb,
          ended_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL,
          held = ${outcome.held === true && outcome.state === "FAILED"}
        WHERE ${fenced(lease)} AND ${event.applies} RETURNING id`.pipe(Effect.mapError(down))
      if (rows.length === 0) return yield* new LeaseLost({ taskId: lease.taskId })
    })

    /**
     * Hands the task back (shutdown): it waits as PENDING (or CANCELLING), with its checkpoints, for the
     * next worker. A task that ended meanwhile is left as it is.
     */
    const handBack = (lease: Lease) =>
      sql`UPDATE tasks SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
            state = ${TaskStateSql.handBack.next}
          WHERE ${fenced(lease)} AND ${TaskStateSql.handBack.applies}`.pipe(
        Effect.asVoid,
        Effect.mapError(down)
      )

    /**
     * Which of the tasks have a cancel asked for (state CANCELLING), in one statement: for workers that
     * missed the notification.
     */
    const cancelsRequested = (taskIds: ReadonlyArray<string>) =>
      sql<{ id: string }>`
        SELECT id::text FROM tasks WHERE id = ANY(${taskIds}::uuid[]) AND ${cancelling}`.pipe(
        Effect.map((rows) => rows.map((r) => r.id)),
        Effect.mapError(down)
      )

    /**
     * Hands a still-running task on (RabbitMQ takes back a delivery left unacknowledged for 30 minutes):
     * a new outbox row announces it again, so the delivery in hand can be acknowledged. Fenced: only
     * the lease holder may do it.
     */
    const handOn = (lease: Lease, message: string) =>
      Effect.flatMap(
        TraceContext.current,
        (traceparent) => sql`INSERT INTO task_outbox (task_id, routing_key, priority, payload, traceparent)
          SELECT id, type, priority, ${message}, ${traceparent} FROM tasks WHERE ${fenced(lease)}
          RETURNING task_id`
      ).pipe(
        Effect.mapError(down),
        Effect.flatMap((rows) =>
          rows.length === 0 ? Effect.fail(new LeaseLost({ taskId: lease.taskId })) : Effect.void
        )
      )

    /** Ids of tasks whose cancel was just requested (the API's NOTIFY), as they come. */
    const cancelNotifications = sql.listen(CANCEL_CHANNEL)

    return {
      claim,
      renew,
      renewAll,
      finish,
      handBack,
      handOn,
      cancelsRequested,
      cancelNotifications
    } as const
  })
}) {}
