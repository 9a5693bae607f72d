import { PgClient } from "@effect/sql-pg"
import {
  CheckpointError,
  Checkpoints,
  EntryPhase,
  EntryState,
  ErrorInfo,
  StageDetail,
  type TimelineWrite
} from "@enamel/domain"
import { Effect, Layer, Schema } from "effect"
import * as NamedStatements from "./pg/NamedStatements.js"

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

// Compiled once: a worker makes one CheckpointsPg per task it runs, and a decoder compiled per instance
// cost about 10 KB of heap for every task in flight.
const decodeRows = Schema.decodeUnknown(Schema.Array(Row))

const storeError = (message: string) => (cause: unknown) => new CheckpointError({ message, cause })

/** An entry as the write statement reads it: times in epoch milliseconds, documents as they are. */
const toDocument = (entry: TimelineWrite) => ({
  taskId: entry.taskId,
  phase: entry.phase,
  path: entry.path,
  attempt: entry.attempt,
  state: entry.state,
  startedAt: entry.startedAt.epochMillis,
  endedAt: entry.endedAt === null ? null : entry.endedAt.epochMillis,
  durationMs: entry.durationMs,
  result: entry.result,
  error: entry.error,
  detail: entry.detail
})

/**
 * The write, sent by name (prepared once per connection): with a fence or without, and synchronous or
 * not, four fixed texts. All entries travel as one JSON document ($1), unpacked by the server in order:
 * one statement and one parameter whatever their number, and the result, error and detail documents are
 * stored as they are. With a fence, $2 and $3 are the task and its fence.
 */
const writeStatement = (fenced: boolean, synchronous: boolean) =>
  NamedStatements.make<{ readonly seq: string }>(
    `enamel_checkpoints_write${fenced ? "_fenced" : ""}${synchronous ? "" : "_async"}`,
    `INSERT INTO task_timeline (task_id, phase, path, attempt, state, started_at, ended_at, duration_ms,
                               result, error, detail)
     SELECT (e->>'taskId')::uuid, e->>'phase', e->>'path', (e->>'attempt')::integer, e->>'state',
            to_timestamp((e->>'startedAt')::double precision / 1000),
            to_timestamp((e->>'endedAt')::double precision / 1000),
            (e->>'durationMs')::double precision,
            NULLIF(e->'result', 'null'), NULLIF(e->'error', 'null'), e->'detail'
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS w(e, n)
     WHERE ${fenced ? "EXISTS (SELECT 1 FROM tasks WHERE id = $2::uuid AND fence = $3::bigint)" : "TRUE"}
       AND ${synchronous ? "TRUE" : "set_config('synchronous_commit', 'off', true) = 'off'"}
     ORDER BY n
     ON CONFLICT (task_id, phase, path, attempt) DO UPDATE SET
       state = excluded.state, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
       result = excluded.result, error = excluded.error, detail = excluded.detail,
       seq = nextval('task_timeline_seq')
     RETURNING seq`
  )

/**
 * Checkpoints in PostgreSQL: one upsert statement per write (of one entry or several), one indexed read
 * per resume. With a fence (a worker's lease on the task), a write lands only while the task's fence is
 * still that one; otherwise none of its entries is stored, it fails with CheckpointError and the run
 * stops without touching anything.
 */
export const make = (fence?: { readonly taskId: string; readonly fence: number }) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient

    const readTimeline = (taskId: string, afterSeq: number) =>
      Effect.flatMap(
        sql`
          SELECT task_id::text, seq::double precision AS seq, path, phase, state, attempt, started_at, ended_at,
                 duration_ms, result, error, detail
          FROM task_timeline WHERE task_id = ${taskId} AND seq > ${afterSeq} ORDER BY seq`,
        decodeRows
      )

    // Only a start (RUNNING) must be on disk before the call returns: the stage's side effects follow it,
    // and after a crash it marks the stage as in doubt. A write of outcomes alone commits without waiting
    // for the WAL flush: the next start, or the task's final state, is a synchronous commit that flushes
    // the WAL up to and including it, before any further side effect. Only a PostgreSQL crash in between
    // can lose an outcome, and then the stage is in doubt and adopts what it made, as after a worker
    // crash. (The runner normally sends a stage's outcome with the next start, in one write.)
    const statements = {
      synchronous: yield* writeStatement(fence !== undefined, true),
      outcomesOnly: yield* writeStatement(fence !== undefined, false)
    }
    const fenceParams = fence === undefined ? [] : [fence.taskId, fence.fence]

    const write = (entries: ReadonlyArray<TimelineWrite>) =>
      (entries.some((e) => e.state === "RUNNING") ? statements.synchronous : statements.outcomesOnly)([
        JSON.stringify(entries.map(toDocument)),
        ...fenceParams
      ]).pipe(
        Effect.mapError(storeError("could not record a checkpoint")),
        Effect.filterOrFail(
          (rows) => rows.length === entries.length,
          () => new CheckpointError({ message: "the task's lease was taken over; not recording" })
        )
      )

    return Checkpoints.Checkpoints.of({
      record: (entry) => Effect.map(write([entry]), (rows) => Number(rows[0]?.seq)),
      recordAll: (entries) => (entries.length === 0 ? Effect.void : Effect.asVoid(write(entries))),
      timeline: (taskId, options) =>
        readTimeline(taskId, options?.afterSeq ?? 0).pipe(
          Effect.mapError(storeError("could not read the timeline"))
        )
    })
  }).pipe(Effect.withSpan("CheckpointsPg.make"))

export const layer = Layer.effect(Checkpoints.Checkpoints, make())
