import { PgClient } from "@effect/sql-pg"
import { Data, Duration, Effect, Schema } from "effect"

/** Wakes workers when a topic's desired setting changed; the payload is the topic. */
export const TOPIC_SETTINGS_CHANNEL = "enamel_topic_settings"

/** A worker's heartbeat rows are removed by the others' beats once stale for this long. */
const forgetStaleAfter = "10 minutes"

/** What the fleet should run on a topic, as an operator (or the first worker, from its defaults) stored it. */
export const TopicSetting = Schema.Struct({
  topic: Schema.String,
  concurrency: Schema.Int,
  paused: Schema.Boolean,
  /** Grows with every change: a worker applies each revision once. */
  revision: Schema.NumberFromString,
  updatedAt: Schema.DateTimeUtcFromDate,
  /** `user:<id>` for an operator's change, `worker:<id>` for a worker's stored default. */
  updatedBy: Schema.String
})
export type TopicSetting = typeof TopicSetting.Type

/** What one worker reported it runs on one topic, at its last heartbeat. */
export const WorkerReport = Schema.Struct({
  workerId: Schema.String,
  topic: Schema.String,
  concurrency: Schema.Int,
  running: Schema.Int,
  paused: Schema.Boolean,
  beatAt: Schema.DateTimeUtcFromDate
})
export type WorkerReport = typeof WorkerReport.Type

/** What a worker runs on a topic right now: its heartbeat for that topic. */
export interface TopicLoad {
  readonly topic: string
  readonly concurrency: number
  readonly running: number
  readonly paused: boolean
}

/** A change to the desired settings: the fields given are set, the others kept. */
export interface SettingPatch {
  readonly concurrency?: number | undefined
  readonly paused?: boolean | undefined
}

/** A topic a change applies to, with the concurrency it starts from if nothing is stored for it yet. */
export interface TopicDefault {
  readonly topic: string
  readonly concurrency: number
}

/** Internal: the API answers it as service.unavailable; a worker logs it and tries again at its next beat. */
export class TopicSettingsError extends Data.TaggedError("TopicSettingsError")<{ readonly cause: unknown }> {
  override get message() {
    return "the topic settings are unavailable"
  }
}

const settingColumns = "topic, concurrency, paused, revision::text, updated_at, updated_by"

const decodeSettings = Schema.decodeUnknown(Schema.Array(TopicSetting))
const decodeReports = Schema.decodeUnknown(Schema.Array(WorkerReport))

/**
 * The desired concurrency and pause of each topic, and the workers' heartbeats, in PostgreSQL; shared by
 * the API (`/admin/topics`) and every worker.
 */
export class TopicSettings extends Effect.Service<TopicSettings>()("@enamel/persistence/TopicSettings", {
  effect: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const down = (cause: unknown) => new TopicSettingsError({ cause })
    const settings = <E, R>(statement: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
      statement.pipe(
        Effect.flatMap((rows) => Effect.orDie(decodeSettings(rows))),
        Effect.mapError(down)
      )

    /** Every stored setting. */
    const all = settings(sql`SELECT ${sql.literal(settingColumns)} FROM topic_settings ORDER BY topic`)

    /** The stored settings of these topics (a topic with none is absent). */
    const of = (topics: ReadonlyArray<string>) =>
      settings(sql`SELECT ${sql.literal(settingColumns)} FROM topic_settings
                   WHERE topic = ANY(${topics}::text[]) ORDER BY topic`)

    /**
     * A starting worker's defaults become the desired settings of the topics that have none; a stored
     * setting is never overwritten (it may be an operator's). Answers what is stored now, in a statement
     * of its own: one that started before another worker's insert committed would not see that row.
     */
    const adopt = Effect.fn("TopicSettings.adopt")(function* (
      defaults: ReadonlyArray<TopicDefault>,
      by: string
    ) {
      yield* Effect.mapError(
        sql`INSERT INTO topic_settings (topic, concurrency, paused, updated_by)
            SELECT topic, concurrency, false, ${by}
            FROM unnest(${defaults.map((d) => d.topic)}::text[], ${defaults.map((d) => d.concurrency)}::int[])
              AS d (topic, concurrency)
            ON CONFLICT (topic) DO NOTHING`,
        down
      )
      return yield* of(defaults.map((d) => d.topic))
    })

    /**
     * Sets the given fields on each topic (a topic with no stored setting starts from its default), a
     * new revision each, even when nothing differs (so every worker applies the stored setting again),
     * and wakes the workers when it commits.
     */
    const change = Effect.fn("TopicSettings.change")(function* (
      topics: ReadonlyArray<TopicDefault>,
      patch: SettingPatch,
      by: string
    ) {
      const concurrency = patch.concurrency ?? null
      const paused = patch.paused ?? null
      return yield* sql
        .withTransaction(
          Effect.gen(function* () {
            const changed = yield* settings(sql`
            INSERT INTO topic_settings AS t (topic, concurrency, paused, updated_by)
            SELECT topic, coalesce(${concurrency}::int, initial), coalesce(${paused}::boolean, false), ${by}
            FROM unnest(${topics.map((d) => d.topic)}::text[], ${topics.map((d) => d.concurrency)}::int[])
              AS d (topic, initial)
            ON CONFLICT (topic) DO UPDATE SET
              concurrency = coalesce(${concurrency}::int, t.concurrency),
              paused = coalesce(${paused}::boolean, t.paused),
              revision = t.revision + 1,
              updated_at = now(),
              updated_by = excluded.updated_by
            RETURNING ${sql.literal(settingColumns)}`)
            // Inside the transaction: delivered at commit, so a woken worker reads the new setting.
            yield* Effect.mapError(
              sql`SELECT pg_notify(${TOPIC_SETTINGS_CHANNEL}, topic)
                FROM unnest(${topics.map((d) => d.topic)}::text[]) AS topic`,
              down
            )
            return changed
          })
        )
        .pipe(Effect.catchTag("SqlError", (e) => Effect.fail(down(e))))
    })

    /**
     * A worker's heartbeat, one statement for all its topics: its rows replaced, its rows of topics it
     * no longer serves dropped, and other workers' rows stale for long removed. A row is live until
     * `staleAfter` from now (PostgreSQL's clock, so hosts' clocks need not agree).
     */
    const beat = (workerId: string, loads: ReadonlyArray<TopicLoad>, staleAfter: Duration.Duration) =>
      sql`
        WITH beat AS (
          INSERT INTO worker_heartbeats AS h (worker_id, topic, concurrency, running, paused, beat_at, stale_at)
          SELECT ${workerId}, topic, concurrency, running, paused, now(),
                 now() + ${`${Duration.toMillis(staleAfter)} milliseconds`}::interval
          FROM unnest(${loads.map((l) => l.topic)}::text[], ${loads.map((l) => l.concurrency)}::int[],
                      ${loads.map((l) => l.running)}::int[], ${loads.map((l) => l.paused)}::boolean[])
            AS l (topic, concurrency, running, paused)
          ON CONFLICT (worker_id, topic) DO UPDATE SET
            concurrency = excluded.concurrency, running = excluded.running, paused = excluded.paused,
            beat_at = excluded.beat_at, stale_at = excluded.stale_at
        )
        DELETE FROM worker_heartbeats
        WHERE (worker_id = ${workerId} AND topic <> ALL(${loads.map((l) => l.topic)}::text[]))
           OR (worker_id <> ${workerId} AND stale_at < now() - ${forgetStaleAfter}::interval)`.pipe(
        Effect.asVoid,
        Effect.mapError(down)
      )

    /** A worker that stops takes its rows with it: it is gone from the view at once. */
    const forget = (workerId: string) =>
      sql`DELETE FROM worker_heartbeats WHERE worker_id = ${workerId}`.pipe(
        Effect.asVoid,
        Effect.mapError(down)
      )

    /** The reports of workers that are live (their last beat is not stale), by topic and worker. */
    const live = sql`SELECT worker_id, topic, concurrency, running, paused, beat_at FROM worker_heartbeats
                     WHERE stale_at > now() ORDER BY topic, worker_id`.pipe(
      Effect.flatMap((rows) => Effect.orDie(decodeReports(rows))),
      Effect.mapError(down)
    )

    /** Topics whose desired setting changed (NOTIFY), as they come; missed ones are caught by polling. */
    const changes = sql.listen(TOPIC_SETTINGS_CHANNEL)

    /**
     * Sends `payload` (not a topic: it holds a space) on the channel, so that a listener that hears its
     * own knows it listens now. Every listener hears it too, and ignores it.
     */
    const ping = (payload: string) =>
      sql`SELECT pg_notify(${TOPIC_SETTINGS_CHANNEL}, ${payload})`.pipe(Effect.asVoid, Effect.mapError(down))

    return { all, of, adopt, change, beat, forget, live, changes, ping } as const
  })
}) {}
