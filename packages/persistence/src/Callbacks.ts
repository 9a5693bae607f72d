import { PgClient } from "@effect/sql-pg"
import { TaskState } from "@enamel/domain"
import { Duration, Effect, Schema } from "effect"
import { TaskStoreError } from "./TaskStore.js"
import * as TaskStateSql from "./taskStateSql.js"

/** A task's callback, as the API accepted it: the secret is already sealed (`@enamel/keys`' sealing). */
export interface NewSubscription {
  readonly taskId: string
  readonly url: string
  readonly sealedSecret: string
  /** `Enamel-Callback-Events: stages`: a delivery for every stage that ends, not only for the task. */
  readonly stages: boolean
}

/** A subscription with something new to deliver: its task ended, or (with stages) stages ended. */
export const Pending = Schema.Struct({
  taskId: Schema.String,
  stages: Schema.Boolean,
  cursor: Schema.NumberFromString,
  /** The task's `ended_at` when it is terminal and no task.ended was made for this end yet. */
  endedAt: Schema.NullOr(Schema.DateTimeUtcFromDate)
})
export type Pending = typeof Pending.Type

/** One event turned into a delivery: its key makes it once per task (`task.ended:<end>`, `stage:…`). */
export interface NewDelivery {
  readonly id: string
  readonly eventKey: string
  readonly event: "task.ended" | "stage.ended"
  readonly body: string
}

/** A delivery claimed for one attempt (leased: no other process tries it until the lease ends). */
export const Claimed = Schema.Struct({
  id: Schema.String,
  taskId: Schema.String,
  url: Schema.String,
  sealedSecret: Schema.String,
  body: Schema.String,
  attempts: Schema.Number,
  giveUpAt: Schema.DateTimeUtcFromDate
})
export type Claimed = typeof Claimed.Type

/** How an attempt ended. */
export type Outcome =
  | { readonly _tag: "Delivered"; readonly status: number }
  /** Tried again at `retryAt`, or given up when that is past the delivery's `give_up_at`. */
  | {
      readonly _tag: "Failed"
      readonly status: number | null
      readonly error: string
      readonly retryIn: Duration.Duration
    }
  /** The address is not allowed (SSRF rules): recorded, never retried. */
  | { readonly _tag: "Refused"; readonly error: string }

const decodePending = Schema.decodeUnknown(Schema.Array(Pending))
const decodeClaimed = Schema.decodeUnknown(Schema.Array(Claimed))

const terminal = TaskStateSql.stateIn(TaskState.terminalStates)

/**
 * Callbacks in PostgreSQL (migration 0009): the subscriptions the API writes when it accepts a task, and
 * the deliveries the dispatcher makes from them and sends. Nothing here is on the worker's path: the
 * dispatcher reads the tasks and timelines the worker writes anyway.
 */
export class CallbackStore extends Effect.Service<CallbackStore>()("@enamel/persistence/CallbackStore", {
  effect: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const down = (cause: unknown) => new TaskStoreError({ cause })

    /** Once per task: a request repeated with its Idempotency-Key keeps the first callback. */
    const subscribe = (subscription: NewSubscription) =>
      sql`INSERT INTO task_callbacks (task_id, url, sealed_secret, stages)
          VALUES (${subscription.taskId}, ${subscription.url}, ${subscription.sealedSecret}, ${subscription.stages})
          ON CONFLICT (task_id) DO NOTHING`.pipe(Effect.asVoid, Effect.mapError(down))

    /**
     * Open subscriptions with something new, in one statement for all of them: the task ended (and this
     * end has no task.ended yet), or, with stages, a stage entry ended after the cursor.
     */
    const pending = (limit: number) =>
      sql`
        SELECT c.task_id::text, c.stages, c.cursor::text,
               CASE WHEN t.${terminal} AND t.ended_at IS DISTINCT FROM c.ended_seen THEN t.ended_at END AS ended_at
        FROM task_callbacks c JOIN tasks t ON t.id = c.task_id
        WHERE NOT c.closed AND (
          (t.${terminal} AND t.ended_at IS DISTINCT FROM c.ended_seen)
          OR (c.stages AND EXISTS (
            SELECT 1 FROM task_timeline e
            WHERE e.task_id = c.task_id AND e.seq > c.cursor AND e.ended_at IS NOT NULL AND e.phase <> 'flow')))
        ORDER BY c.created_at LIMIT ${limit}`.pipe(
        Effect.mapError(down),
        Effect.flatMap((rows) => Effect.orDie(decodePending(rows)))
      )

    /**
     * The deliveries of a scan, and how far it got, in one transaction: a delivery already made (another
     * dispatcher's scan) is left as it is. `ended` closes the subscription: its task has stopped.
     */
    const record = (
      taskId: string,
      deliveries: ReadonlyArray<NewDelivery>,
      progress: { readonly cursor: number; readonly endedAt: Date | null },
      giveUpAfter: Duration.Duration
    ) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            if (deliveries.length > 0) {
              yield* sql`
                INSERT INTO callback_deliveries (id, task_id, event_key, event, body, give_up_at)
                SELECT d.id, ${taskId}::uuid, d.event_key, d.event, d.body,
                       now() + make_interval(secs => ${Duration.toSeconds(giveUpAfter)})
                FROM unnest(${deliveries.map((d) => d.id)}::uuid[], ${deliveries.map((d) => d.eventKey)}::text[],
                            ${deliveries.map((d) => d.event)}::text[], ${deliveries.map((d) => d.body)}::text[])
                  AS d (id, event_key, event, body)
                ON CONFLICT (task_id, event_key) DO NOTHING`
            }
            yield* sql`
              UPDATE task_callbacks SET
                cursor = GREATEST(cursor, ${progress.cursor}),
                ended_seen = coalesce(${progress.endedAt}, ended_seen),
                closed = ${progress.endedAt !== null}
              WHERE task_id = ${taskId}`
          })
        )
        .pipe(Effect.mapError(down))

    /**
     * Claims due deliveries for one attempt each: FOR UPDATE SKIP LOCKED, and a lease (next_attempt_at
     * moved `lease` ahead) so that no other process sends them while this one does; a process that dies
     * mid-attempt leaves them to be tried again when the lease ends.
     */
    const claimDue = (limit: number, lease: Duration.Duration) =>
      sql`
        UPDATE callback_deliveries d SET
          attempts = d.attempts + 1,
          next_attempt_at = now() + make_interval(secs => ${Duration.toSeconds(lease)})
        FROM task_callbacks c
        WHERE c.task_id = d.task_id AND d.id IN (
          SELECT id FROM callback_deliveries
          WHERE state = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING d.id::text, d.task_id::text, c.url, c.sealed_secret, d.body, d.attempts, d.give_up_at`.pipe(
        Effect.mapError(down),
        Effect.flatMap((rows) => Effect.orDie(decodeClaimed(rows)))
      )

    /** Records an attempt's outcome: delivered, refused, retried later, or given up past `give_up_at`. */
    const settle = (id: string, outcome: Outcome) => {
      switch (outcome._tag) {
        case "Delivered":
          return sql`UPDATE callback_deliveries SET state = 'delivered', last_status = ${outcome.status},
                       last_error = NULL, ended_at = now() WHERE id = ${id}`
        case "Refused":
          return sql`UPDATE callback_deliveries SET state = 'refused', last_status = NULL,
                       last_error = ${outcome.error}, ended_at = now() WHERE id = ${id}`
        case "Failed": {
          const retryAt = sql`now() + make_interval(secs => ${Duration.toSeconds(outcome.retryIn)})`
          return sql`UPDATE callback_deliveries SET
                       state = CASE WHEN ${retryAt} > give_up_at THEN 'given_up' ELSE 'pending' END,
                       ended_at = CASE WHEN ${retryAt} > give_up_at THEN now() END,
                       next_attempt_at = ${retryAt},
                       last_status = ${outcome.status}, last_error = ${outcome.error}
                     WHERE id = ${id}`
        }
      }
    }

    /** A held task taken up again (retry, rollback) will end again: its subscription listens again. */
    const reopen = (taskId: string) =>
      sql`UPDATE task_callbacks SET closed = false WHERE task_id = ${taskId}`.pipe(
        Effect.asVoid,
        Effect.mapError(down)
      )

    return {
      subscribe,
      reopen,
      pending,
      record,
      claimDue,
      settle: (id: string, outcome: Outcome) => Effect.asVoid(settle(id, outcome)).pipe(Effect.mapError(down))
    } as const
  })
}) {}
