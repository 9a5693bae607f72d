import { PgClient } from "@effect/sql-pg"
import { Broker } from "@enamel/broker"
import { TraceContext } from "@enamel/telemetry"
import { Config, Data, Duration, Effect, Option, Queue, Schedule, Schema, Stream } from "effect"
import { OUTBOX_CHANNEL } from "./TaskStore.js"

const OutboxRow = Schema.Struct({
  id: Schema.NumberFromString,
  taskId: Schema.String,
  routingKey: Schema.String,
  priority: Schema.Number,
  payload: Schema.String,
  traceparent: Schema.NullOr(Schema.String)
})

type OutboxRow = typeof OutboxRow.Type

/**
 * The publish of one row, as a span of the trace that wrote it (the request's: its `traceparent`); the
 * message carries this span's own `traceparent` to the worker. Ends when the scope does, once the broker
 * confirmed the batch (or did not).
 */
const publishSpan = (row: OutboxRow) =>
  Effect.makeSpanScoped("OutboxRelay.publish", {
    kind: "producer",
    attributes: {
      "enamel.task_id": row.taskId,
      "messaging.system": "rabbitmq",
      "messaging.operation.type": "publish",
      "messaging.destination.name": row.routingKey
    },
    ...Option.match(TraceContext.parse(row.traceparent), {
      onNone: () => ({ root: true }),
      onSome: (parent) => ({ parent })
    })
  }).pipe(Effect.withTracerEnabled(true))

class OutboxStalled extends Data.TaggedError("OutboxStalled")<{ readonly message: string }> {}

/** Re-try a failing broker or database with growing pauses, never giving up: the outbox keeps the tasks. */
const whileDown = Schedule.exponential("100 millis", 2).pipe(
  Schedule.either(Schedule.spaced("5 seconds")),
  Schedule.jittered
)

/**
 * Publishes outbox rows to the broker and deletes them once confirmed. Each batch is claimed (deleted,
 * FOR UPDATE SKIP LOCKED) inside a transaction held across the confirmed publish, so relays in several
 * processes never publish the same row twice in the normal case, and a crash or broker failure before the
 * confirm leaves the rows for the next try (the broker may then see a message twice; consumers dedupe).
 *
 * It wakes when this process commits a task (`nudge`), when another process does (LISTEN), and every
 * `ENAMEL_OUTBOX_SWEEP` (default 1 s) in case a notification was missed.
 */
export class OutboxRelay extends Effect.Service<OutboxRelay>()("@enamel/persistence/OutboxRelay", {
  scoped: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const broker = yield* Broker
    const batchSize = yield* Config.integer("ENAMEL_OUTBOX_BATCH").pipe(Config.withDefault(256))
    const sweep = yield* Config.duration("ENAMEL_OUTBOX_SWEEP").pipe(Config.withDefault(Duration.seconds(1)))
    const wake = yield* Queue.sliding<void>(1)
    const decode = Schema.decodeUnknown(Schema.Array(OutboxRow))

    // Untraced but for the rows' publish spans: a sweep every second would otherwise start a trace of
    // its own each time, with nothing in it.
    const publishBatch = sql
      .withTransaction(
        Effect.gen(function* () {
          // Claimed by deleting: the rows stay locked (other relays skip them) and come back if the
          // transaction rolls back, so the confirmed publish below still decides; one statement fewer
          // per batch than a SELECT … FOR UPDATE and a DELETE of what it claimed.
          const claimed = yield* Effect.flatMap(
            sql`DELETE FROM task_outbox WHERE id IN (
                  SELECT id FROM task_outbox ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
                RETURNING id::text, task_id::text, routing_key, priority, payload, traceparent`,
            // A DELETE returns its rows in no set order: published oldest first, as they were written.
            (rows) =>
              Effect.map(Effect.orDie(decode(rows)), (decoded) => [...decoded].sort((a, b) => a.id - b.id))
          )
          if (claimed.length === 0) return 0
          yield* Effect.scoped(
            Effect.flatMap(
              Effect.forEach(claimed, (row) =>
                Effect.map(publishSpan(row), (span) => ({
                  routingKey: row.routingKey,
                  messageId: row.taskId,
                  priority: row.priority,
                  body: row.payload,
                  traceparent: TraceContext.format(span)
                }))
              ),
              broker.publish
            )
          )
          return claimed.length
        })
      )
      .pipe(Effect.withTracerEnabled(false))

    /**
     * One batch, bounded in time: when PostgreSQL dies mid-transaction the rollback on the dead
     * connection may never return, and a relay stuck there would publish nothing again. `disconnect`
     * lets the timeout give up on it (it ends in the background when the driver notices).
     */
    const boundedBatch = Effect.disconnect(publishBatch).pipe(
      Effect.timeoutFail({
        duration: Duration.seconds(30),
        onTimeout: () => new OutboxStalled({ message: "an outbox batch did not finish in 30 s" })
      })
    )

    /** Publishes until the outbox is empty. */
    const drain: Effect.Effect<void> = boundedBatch.pipe(
      Effect.tapError((error) => Effect.logWarning("outbox relay cannot publish; retrying", error.message)),
      Effect.retry(whileDown),
      Effect.orDie,
      Effect.repeat({ while: (published) => published === batchSize }),
      Effect.asVoid
    )

    // Supervised: an iteration that dies (a driver that throws when its server restarts) is logged and the
    // loop goes on; only the relay's own scope ends it.
    const iteration = drain.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("outbox relay iteration failed; going on", cause))
    )
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(iteration, Effect.race(wake.take, Effect.sleep(sweep))))
    )
    yield* Effect.forkScoped(
      sql.listen(OUTBOX_CHANNEL).pipe(
        Stream.runForEach(() => wake.offer(undefined)),
        Effect.retry(whileDown)
      )
    )
    return {
      /** Asks the relay to publish now (after this process committed a task). */
      nudge: Effect.asVoid(wake.offer(undefined)),
      /** Rows not yet confirmed by the broker. */
      backlog: Effect.map(sql<{ count: string }>`SELECT count(*)::text AS count FROM task_outbox`, (rows) =>
        Number(rows[0]?.count ?? 0)
      )
    } as const
  })
}) {}
