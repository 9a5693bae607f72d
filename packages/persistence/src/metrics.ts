import { PgClient } from "@effect/sql-pg"
import { Effect, Metric, Schema } from "effect"

/** Claims that took a task from another worker whose lease had expired (it died or stalled). */
export const takeovers = Metric.counter("enamel_task_takeovers_total", {
  description: "Tasks a worker took over from another worker whose lease had expired.",
  incremental: true
})

export const outboxDepth = Metric.gauge("enamel_outbox_depth", {
  description: "Outbox rows not yet confirmed by the broker (read at scrape time)."
})

export const outboxOldestAge = Metric.gauge("enamel_outbox_oldest_age_seconds", {
  description: "Age of the oldest outbox row, 0 when the outbox is empty (read at scrape time)."
})

const OutboxState = Schema.Struct({ depth: Schema.NumberFromString, oldest: Schema.NumberFromString })
const decodeOutbox = Schema.decodeUnknown(Schema.Array(OutboxState))

/**
 * A sampler for a scrape, over this process's PostgreSQL: reads the outbox's depth and its oldest row's
 * age into their gauges.
 */
export const outboxSampler = Effect.map(PgClient.PgClient, (sql) =>
  Effect.gen(function* () {
    const rows = yield* sql`SELECT count(*)::text AS depth,
      coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8::text AS oldest
    FROM task_outbox`.pipe(Effect.flatMap(decodeOutbox))
    const state = rows[0] ?? { depth: 0, oldest: 0 }
    yield* Metric.set(outboxDepth, state.depth)
    yield* Metric.set(outboxOldestAge, Math.max(0, state.oldest))
  }).pipe(Effect.withSpan("OutboxMetrics.sample"))
)
