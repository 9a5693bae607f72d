import { SqlSchema } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { CheckpointError, Checkpoints, EntryPhase, EntryState, ErrorInfo, StageDetail } from "@enamel/domain"
import { Effect, Layer, Schema } from "effect"

const Row = Schema.Struct({
  taskId: Schema.String,
  seq: Schema.Number,
  path: Schema.String,
  phase: EntryPhase,
  state: EntryState,
  attempt: Schema.Int,
  startedAt: Schema.DateTimeUtcFromDate,
  endedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  durationMs: Schema.NullOr(Schema.Number),
  result: Schema.Unknown,
  error: Schema.NullOr(ErrorInfo),
  detail: StageDetail
})

const storeError = (message: string) => (cause: unknown) => new CheckpointError({ message, cause })

/**
 * Checkpoints in PostgreSQL: one upsert per write, one indexed read per resume. With a fence (a worker's
 * lease on the task), a write lands only while the task's fence is still that one; otherwise it fails
 * with CheckpointError and the run stops without touching anything.
 */
export const make = (fence?: { readonly taskId: string; readonly fence: number }) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient

    const readTimeline = SqlSchema.findAll({
      Request: Schema.Struct({ taskId: Schema.String, afterSeq: Schema.Number }),
      Result: Row,
      execute: ({ taskId, afterSeq }) => sql`
        SELECT task_id::text, seq::double precision AS seq, path, phase, state, attempt, started_at, ended_at,
               duration_ms, result, error, detail
        FROM task_timeline WHERE task_id = ${taskId} AND seq > ${afterSeq} ORDER BY seq`
    })

    // Encoded here rather than by the driver, which passes a bare string through unquoted.
    const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value))
    const guard =
      fence === undefined
        ? sql`TRUE`
        : sql`EXISTS (SELECT 1 FROM tasks WHERE id = ${fence.taskId} AND fence = ${fence.fence})`

    // Only a start (RUNNING) must be on disk before the call returns: the stage's side effects follow it,
    // and after a crash it marks the stage as in doubt. Any other write (an outcome) commits without
    // waiting for the WAL flush: the next start, or the task's final state, is a synchronous commit that
    // flushes the WAL up to and including it, before any further side effect. Only a PostgreSQL crash in
    // between can lose an outcome, and then the stage is in doubt and adopts what it made, as after a
    // worker crash. It saves one WAL flush per stage.
    const flushPolicy = (state: string) =>
      state === "RUNNING" ? sql`TRUE` : sql`set_config('synchronous_commit', 'off', true) = 'off'`

    return Checkpoints.Checkpoints.of({
      record: (entry) =>
        sql<{ seq: string }>`
          INSERT INTO task_timeline (task_id, phase, path, attempt, state, started_at, ended_at, duration_ms,
                                     result, error, detail)
          SELECT ${entry.taskId}::uuid, ${entry.phase}, ${entry.path}, ${entry.attempt}, ${entry.state},
                 ${new Date(entry.startedAt.epochMillis)}::timestamptz,
                 ${entry.endedAt === null ? null : new Date(entry.endedAt.epochMillis)}::timestamptz,
                 ${entry.durationMs}::double precision, ${json(entry.result)}::jsonb, ${json(entry.error)}::jsonb,
                 ${json(entry.detail)}::jsonb
          WHERE ${guard} AND ${flushPolicy(entry.state)}
          ON CONFLICT (task_id, phase, path, attempt) DO UPDATE SET
            state = excluded.state, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
            result = excluded.result, error = excluded.error, detail = excluded.detail,
            seq = nextval('task_timeline_seq')
          RETURNING seq`.pipe(
          Effect.mapError(storeError("could not record a checkpoint")),
          Effect.flatMap((rows) =>
            rows[0] === undefined
              ? Effect.fail(
                  new CheckpointError({ message: "the task's lease was taken over; not recording" })
                )
              : Effect.succeed(Number(rows[0].seq))
          )
        ),
      timeline: (taskId, options) =>
        readTimeline({ taskId, afterSeq: options?.afterSeq ?? 0 }).pipe(
          Effect.mapError(storeError("could not read the timeline"))
        )
    })
  }).pipe(Effect.withSpan("CheckpointsPg.make"))

export const layer = Layer.effect(Checkpoints.Checkpoints, make())
