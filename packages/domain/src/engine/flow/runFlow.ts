import { Cause, Chunk, Clock, DateTime, Deferred, Effect, Exit, Option, Ref, Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { CheckpointError, type ErrorInfo } from "../errors.js"
import type { OnFailure } from "../task/OnFailure.js"
import { type EntryState, FLOW_PATH, type TimelineEntry } from "../task/TimelineEntry.js"
import { Checkpoints } from "./Checkpoints.js"
import type { Flow } from "./Flow.js"
import { CompensationReport, FlowOutcome } from "./FlowOutcome.js"
import { definitiveFailure, fromTimeline, type History } from "./history.js"
import * as Journal from "./journal.js"
import { type Compensation, describeCause, FlowRun, type RunState, StopReason } from "./RunState.js"
import { unwind } from "./unwind.js"

export interface RunOptions<I, RC> {
  readonly taskId: string
  readonly params: I
  /** Completes when the user asks to cancel (or at once when the task is already CANCELLING). */
  readonly cancellation?: Effect.Effect<void, never, RC>
  /** `keep`: a stage's definitive failure undoes nothing; the run ends HELD (default `rollback`). */
  readonly onFailure?: OnFailure
  /**
   * How many times a user retried the task (a held run is run again while the flow entry's attempt is
   * not above this count; the retry starts the flow entry's next attempt).
   */
  readonly retries?: number
  /** A user asked to roll the held run back: undo what it made, latest first (task ROLLING_BACK). */
  readonly rollingBack?: boolean
}

const cancelledError: ErrorInfo = { code: ErrorCode.taskCancelled, message: "cancelled on request" }

/**
 * Runs a task's flow, or resumes it from its recorded timeline. Stages with a recorded result are not
 * run again; a run that was unwinding goes on unwinding; a run that already ended returns its outcome.
 *
 * With `onFailure: "keep"`, a definitive failure undoes nothing: the run records its flow entry HELD
 * (naming the failed stage) and ends `Held`. A retried held run (`retries` above the flow entry's
 * attempt) starts the flow entry's next attempt and resumes: completed stages are not run again and the
 * failed stage goes on counting its attempts. A held run rolled back (`rollingBack`) unwinds as a
 * failure would have, and ends `RolledBack` (or `Failed` when an undo failed); resumable like unwinding.
 *
 * Fails only with CheckpointError (the store is unreachable; nothing more was done, resume later) or by
 * interruption (e.g. a worker shutting down; in-flight stages finished and were recorded first).
 */
export const runFlow = <I, O, E, R, II, OI, RC = never>(
  flow: Flow<I, O, E, R, II, OI>,
  options: RunOptions<I, RC>
): Effect.Effect<FlowOutcome<O>, CheckpointError, Exclude<R, FlowRun> | RC | Checkpoints> =>
  Effect.scoped(
    Effect.gen(function* () {
      const checkpoints = yield* Checkpoints
      const history = fromTimeline(yield* checkpoints.timeline(options.taskId))
      const rollingBack = options.rollingBack === true
      const keep = options.onFailure === "keep" && !rollingBack
      // A held run the user retried: the flow entry's next attempt, begun afresh.
      const retrying = Option.exists(
        history.flow,
        (e) => e.state === "HELD" && !rollingBack && e.attempt <= (options.retries ?? 0)
      )
      const ended = yield* endedOutcome(flow, history, rollingBack || retrying)
      if (Option.isSome(ended)) return ended.value
      const flowAttempt = Option.match(history.flow, {
        onNone: () => 1,
        onSome: (e) => (retrying ? (options.retries ?? 0) + 1 : e.attempt)
      })

      const journal = yield* Journal.make(checkpoints, yield* Effect.scope)
      // An interrupted run (a worker shutting down) still stores the outcomes its stages reached.
      yield* Effect.addFinalizer(() => Effect.ignore(journal.flush))
      const run: RunState = {
        taskId: options.taskId,
        journal,
        history,
        stop: yield* Deferred.make<StopReason>(),
        compensations: yield* Ref.make(Chunk.empty<Compensation>()),
        completions: yield* Ref.make(history.lastSeq),
        paths: new Set(),
        checklist: flow.stages,
        flowName: `${flow.type} v${flow.version}`
      }
      const startedAt = Option.match(
        Option.filter(history.flow, () => !retrying),
        {
          onSome: (e) => e.startedAt,
          onNone: () => DateTime.unsafeMake(0)
        }
      )
      const flowEntry = (state: EntryState, result: unknown = null, error: ErrorInfo | null = null) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const started = DateTime.toEpochMillis(startedAt) === 0 ? now : DateTime.toEpochMillis(startedAt)
          const ended = state !== "RUNNING" && state !== "UNWINDING"
          return yield* journal.write({
            taskId: options.taskId,
            path: FLOW_PATH,
            phase: "flow",
            attempt: flowAttempt,
            state,
            startedAt: DateTime.unsafeMake(started),
            endedAt: ended ? DateTime.unsafeMake(now) : null,
            durationMs: ended ? now - started : null,
            result,
            error,
            detail: { requestIds: [] }
          })
        })

      const initialStop = retrying ? Option.none() : initialStopReason(history, rollingBack)
      if (Option.isSome(initialStop)) yield* Deferred.succeed(run.stop, initialStop.value)
      else if (Option.isNone(history.flow) || retrying) yield* flowEntry("RUNNING")
      if (options.cancellation !== undefined) {
        yield* Effect.forkScoped(
          Effect.zipRight(options.cancellation, Deferred.succeed(run.stop, StopReason.Cancelled()))
        )
      }

      const exit = yield* Effect.exit(Effect.provideService(flow.program(options.params), FlowRun, run))
      if (Exit.isSuccess(exit)) {
        const encoded = yield* Effect.orDie(Schema.encode(flow.result)(exit.value))
        yield* flowEntry("SUCCEEDED", encoded)
        return FlowOutcome.Succeeded({ result: exit.value })
      }
      const storeDown = Cause.failureOption(exit.cause).pipe(
        Option.filter((e) => e instanceof CheckpointError)
      )
      if (Option.isSome(storeDown)) return yield* storeDown.value
      const reason = yield* Deferred.poll(run.stop)
      if (Cause.isInterruptedOnly(exit.cause) && Option.isNone(reason)) return yield* Effect.interrupt

      // A failure outside any stage (a bug in the program itself) is reported like a stage failure.
      const stop = Option.isSome(reason)
        ? yield* reason.value
        : StopReason.Failed({ error: describeCause(exit.cause, FLOW_PATH) })
      const error = stop._tag === "Failed" ? stop.error : cancelledError
      if (keep && stop._tag === "Failed") {
        // Kept: nothing is undone; a retry resumes from here, a rollback undoes it.
        yield* flowEntry("HELD", null, error)
        return FlowOutcome.Held({ error })
      }
      yield* flowEntry("UNWINDING", null, error)
      const compensation = yield* unwind(run)
      const report = Schema.encodeSync(CompensationReport)(compensation)
      if (stop._tag === "Cancelled") {
        yield* flowEntry("CANCELLED", report, error)
        return FlowOutcome.Cancelled({ compensation })
      }
      if (rollingBack && compensation.failed.length === 0) {
        yield* flowEntry("ROLLED_BACK", report, error)
        return FlowOutcome.RolledBack({ error, compensation })
      }
      yield* flowEntry("FAILED", report, error)
      return FlowOutcome.Failed({ error, compensation })
    })
  )

/**
 * A run that was already unwinding, or that crashed right after a definitive failure, keeps unwinding (or,
 * kept, ends HELD again); a held run being rolled back unwinds for the failure that held it.
 */
const initialStopReason = (history: History, rollingBack: boolean): Option.Option<StopReason> => {
  const flow = history.flow
  if (
    Option.isSome(flow) &&
    (flow.value.state === "UNWINDING" || (rollingBack && flow.value.state === "HELD"))
  ) {
    const error = flow.value.error
    return Option.some(
      error === null || error.code === ErrorCode.taskCancelled
        ? StopReason.Cancelled()
        : StopReason.Failed({ error })
    )
  }
  return Option.map(definitiveFailure(history), (entry) =>
    StopReason.Failed({ error: entry.error ?? { code: ErrorCode.stageFailed, message: "stage failed" } })
  )
}

/**
 * The outcome a finished run recorded, decoded; a finished task is never run again. A HELD run is
 * finished too, unless the user took it up again (`takenUp`: retried or being rolled back).
 */
const endedOutcome = <I, O, E, R, II, OI>(
  flow: Flow<I, O, E, R, II, OI>,
  history: History,
  takenUp: boolean
): Effect.Effect<Option.Option<FlowOutcome<O>>> =>
  Effect.gen(function* () {
    if (Option.isNone(history.flow)) return Option.none()
    const entry: TimelineEntry = history.flow.value
    const report = () => Effect.orDie(Schema.decodeUnknown(CompensationReport)(entry.result))
    const error = entry.error ?? { code: ErrorCode.internal, message: "unknown failure" }
    switch (entry.state) {
      case "SUCCEEDED":
        return Option.some(
          FlowOutcome.Succeeded({
            result: yield* Effect.orDie(Schema.decodeUnknown(flow.result)(entry.result))
          })
        )
      case "FAILED":
        return Option.some(FlowOutcome.Failed({ error, compensation: yield* report() }))
      case "CANCELLED":
        return Option.some(FlowOutcome.Cancelled({ compensation: yield* report() }))
      case "HELD":
        return takenUp ? Option.none() : Option.some(FlowOutcome.Held({ error }))
      case "ROLLED_BACK":
        return Option.some(FlowOutcome.RolledBack({ error, compensation: yield* report() }))
      default:
        return Option.none()
    }
  })
