import { Context, type Effect } from "effect"
import type { CheckpointError } from "../errors.js"
import type { TimelineEntry, TimelineWrite } from "../task/TimelineEntry.js"

/**
 * Where the runner records every stage's start, attempts, outcome and result. The timeline is also
 * what resume reads back: it is the only state a flow has.
 */
export class Checkpoints extends Context.Tag("@enamel/domain/Checkpoints")<
  Checkpoints,
  {
    /** Inserts or replaces the entry keyed by (taskId, phase, path, attempt); returns its new seq. */
    readonly record: (entry: TimelineWrite) => Effect.Effect<number, CheckpointError>
    /**
     * Writes `entries` as `record` would, in their order (their seqs increase), all or none, and in one
     * round trip where the store allows: how a stage's outcome travels with the next stage's start.
     */
    readonly recordAll: (entries: ReadonlyArray<TimelineWrite>) => Effect.Effect<void, CheckpointError>
    /** The task's entries in seq order, optionally only those written after `afterSeq`. */
    readonly timeline: (
      taskId: string,
      options?: { readonly afterSeq?: number }
    ) => Effect.Effect<ReadonlyArray<TimelineEntry>, CheckpointError>
  }
>() {}
