import { Schema } from "effect"
import { ErrorInfo } from "../errors.js"

/**
 * What an entry is about: a stage's run, the undoing of a stage (compensate), or the flow as a whole
 * (one entry at path `$flow`, which records the decision to unwind and the final outcome).
 */
export const EntryPhase = Schema.Literal("run", "compensate", "flow")
export type EntryPhase = typeof EntryPhase.Type

/**
 * RUNNING: started, no outcome yet (after a crash: in doubt).
 * RETRYING: this attempt failed and the stage's retry schedule runs it again.
 * INTERRUPTED: stopped from outside (shutdown, cancellation of a wait) with no outcome.
 * UNWINDING, CANCELLED, HELD, ROLLED_BACK: flow entry only. HELD: a stage failed and the task keeps
 * what it made (`on_failure: "keep"`); its error names the stage. A retry starts the flow entry's next
 * attempt (the flow entry's attempt counts the runs); a rollback goes on with the same attempt
 * (UNWINDING, then ROLLED_BACK, or FAILED when an undo failed).
 */
export const EntryState = Schema.Literal(
  "RUNNING",
  "SUCCEEDED",
  "RETRYING",
  "FAILED",
  "INTERRUPTED",
  "UNWINDING",
  "CANCELLED",
  "HELD",
  "ROLLED_BACK"
)
export type EntryState = typeof EntryState.Type

export const FLOW_PATH = "$flow"

/** What a stage reports about the calls it made, e.g. the OpenStack request ids. */
export const StageDetail = Schema.Struct({
  requestIds: Schema.Array(Schema.String)
})
export type StageDetail = typeof StageDetail.Type

/** One attempt of one stage (or one compensation), keyed by (task, phase, path, attempt). */
export const TimelineEntry = Schema.Struct({
  taskId: Schema.String,
  /** Store-assigned, increasing with every write: the order of events, and the SSE event id. */
  seq: Schema.Number,
  path: Schema.String,
  phase: EntryPhase,
  state: EntryState,
  attempt: Schema.Int,
  startedAt: Schema.DateTimeUtc,
  endedAt: Schema.NullOr(Schema.DateTimeUtc),
  durationMs: Schema.NullOr(Schema.Number),
  /** The stage's result, Schema-encoded (present when state is SUCCEEDED on a run entry). */
  result: Schema.Unknown,
  error: Schema.NullOr(ErrorInfo),
  detail: StageDetail
})
export type TimelineEntry = typeof TimelineEntry.Type

/** An entry as written: the store assigns `seq`. */
export type TimelineWrite = Omit<TimelineEntry, "seq">
