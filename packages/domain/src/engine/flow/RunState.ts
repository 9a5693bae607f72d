import { Cause, type Chunk, Context, Data, Deferred, Effect, Option, type Ref, type Schedule } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { describeError, type ErrorInfo } from "../errors.js"
import type { DeclaredStage } from "./Flow.js"
import type { History } from "./history.js"
import type { Journal } from "./journal.js"
import type { DescribeError, StageContext } from "./Stage.js"

/** Why a run stopped starting new stages: a stage failed for good, or the user cancelled. */
export type StopReason = Data.TaggedEnum<{
  Failed: { readonly error: ErrorInfo }
  Cancelled: {}
}>
export const StopReason = Data.taggedEnum<StopReason>()

/** Raised at a stage boundary once the run is stopping; never stored as a stage's own failure. */
export class FlowHalted extends Data.TaggedError("FlowHalted")<{}> {
  readonly code = ErrorCode.taskCancelled
}

/** A completed stage's undo, ready to run with the context its stage ran in. */
export interface Compensation {
  /**
   * When its stage completed: undo runs in reverse completion order. A stage completed by an earlier
   * run has its SUCCEEDED entry's seq; one completed in this run comes after all of those.
   */
  readonly completed: number
  readonly path: string
  readonly undo: (context: StageContext) => Effect.Effect<void, unknown>
  readonly retry: Schedule.Schedule<unknown, unknown> | undefined
  /** How its stage describes a failure (see `Stage.describeError`). */
  readonly describe: DescribeError | undefined
}

/** Everything one run (or resume) of one task's flow shares between its stages. */
export interface RunState {
  readonly taskId: string
  readonly journal: Journal
  readonly history: History
  readonly stop: Deferred.Deferred<StopReason>
  readonly compensations: Ref.Ref<Chunk.Chunk<Compensation>>
  /** Counts completions in this run, from above the history's last seq (see Compensation.completed). */
  readonly completions: Ref.Ref<number>
  /** The stage paths entered so far; only `executeStage` adds to it, and checks first. */
  readonly paths: Set<string>
  /** The flow's checklist (path template → stage), when it declares one, and how to name the flow. */
  readonly checklist: Readonly<Record<string, DeclaredStage>> | undefined
  readonly flowName: string
}

/** Provided by the runner to the flow program; `Flow.stage` reads it. */
export class FlowRun extends Context.Tag("@enamel/domain/FlowRun")<FlowRun, RunState>() {}

/** Runs `self` unless the run stops first, in which case `self` is interrupted and None returned. */
export const unlessStopped = <A, E, R>(
  run: RunState,
  self: Effect.Effect<A, E, R>
): Effect.Effect<Option.Option<A>, E, R> =>
  Effect.raceFirst(Effect.map(self, Option.some), Effect.as(Deferred.await(run.stop), Option.none<A>()))

export const isStopped = (run: RunState): Effect.Effect<boolean> =>
  Effect.map(Deferred.poll(run.stop), Option.isSome)

/**
 * Describes how a stage ended badly, for its entry and for the task's error: as the stage describes the
 * failure, if it does, and otherwise as the error says itself.
 */
export const describeCause = (
  cause: Cause.Cause<unknown>,
  path: string,
  describe?: DescribeError
): ErrorInfo =>
  Option.match(Cause.failureOption(cause), {
    onSome: (error) => {
      const described = describe?.(error)
      return described === undefined ? describeError(error, path) : { ...described, stage: path }
    },
    onNone: () => ({
      code: ErrorCode.internal,
      message: Option.match(Cause.dieOption(cause), {
        onSome: (defect) => describeError(defect).message,
        onNone: () => "interrupted"
      }),
      stage: path
    })
  })
