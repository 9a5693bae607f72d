import { Cause, Clock, DateTime, Effect, Exit, Metric, Option, Ref, Schedule } from "effect"
import type { CheckpointError, ErrorInfo } from "../errors.js"
import { stageDurationOf } from "../metrics/stages.js"
import type { EntryState, StageDetail, TimelineWrite } from "../task/TimelineEntry.js"
import { pathTemplate } from "./paths.js"
import { describeCause, FlowHalted, type RunState, unlessStopped } from "./RunState.js"
import { type DescribeError, idempotencyToken, type StageContext } from "./Stage.js"

export interface AttemptSpec<A, E, R> {
  readonly phase: "run" | "compensate"
  readonly path: string
  readonly firstAttempt: number
  /** The start (epoch ms) of an earlier run's attempt left in doubt; told to the first attempt only. */
  readonly cutOffAttemptStartedAt: number | undefined
  readonly body: (context: StageContext) => Effect.Effect<A, E, R>
  readonly retry: Schedule.Schedule<unknown, E> | undefined
  /** How the stage describes a failed attempt (see `Stage.describeError`). */
  readonly describe: DescribeError | undefined
  /** A wait: the stop signal and fiber interruption cut it off. Other bodies always run to their end. */
  readonly waits: boolean
  /** Whether the stop signal cuts retries short (true for runs, false for compensations). */
  readonly haltable: boolean
  /** The stored form of the result. */
  readonly encode: (a: A) => Effect.Effect<unknown>
  /** Runs in the same uninterruptible region as handing the SUCCEEDED entry on (registers the undo). */
  readonly onSuccess: (a: A) => Effect.Effect<void>
}

type Outcome<A, E> =
  | { readonly _tag: "Done"; readonly value: A }
  | { readonly _tag: "Failed"; readonly cause: Cause.Cause<E>; readonly entry: TimelineWrite }
  | { readonly _tag: "Halted" }

/**
 * Runs a stage body (or an undo) attempt by attempt, recording each attempt's start and outcome and
 * retrying on the spec's schedule. A start is stored before the body runs. A success is left to the
 * journal, which stores it with the run's next write (normally the next stage's start), before that
 * write's stage runs.
 */
export const runAttempts = <A, E, R>(
  run: RunState,
  spec: AttemptSpec<A, E, R>
): Effect.Effect<A, E | FlowHalted | CheckpointError, R> =>
  Effect.gen(function* () {
    const driver = spec.retry === undefined ? undefined : yield* Schedule.driver(spec.retry)
    for (let attempt = spec.firstAttempt; ; attempt++) {
      const outcome = yield* attemptOnce(run, spec, attempt)
      if (outcome._tag === "Done") return outcome.value
      if (outcome._tag === "Halted") return yield* new FlowHalted()
      const failure = Cause.failureOption(outcome.cause)
      if (driver !== undefined && Option.isSome(failure)) {
        // The attempt is already recorded RETRYING: a crash during the back-off leaves it in doubt, and
        // resume runs the stage again rather than giving up on it.
        const backOff = Effect.either(driver.next(failure.value))
        const again = spec.haltable ? yield* unlessStopped(run, backOff) : Option.some(yield* backOff)
        if (Option.isNone(again)) {
          yield* run.journal.write({ ...outcome.entry, state: "INTERRUPTED" })
          return yield* new FlowHalted()
        }
        if (again.value._tag === "Right") continue
      }
      yield* run.journal.write({ ...outcome.entry, state: "FAILED" })
      return yield* Effect.failCause(outcome.cause)
    }
  }).pipe(
    // One span per stage (or undo), over all its attempts: named by the stage's place in the flow
    // (bounded: no ids), a child of the task's span.
    Effect.withSpan(`Stage.${spec.phase} ${pathTemplate(spec.path)}`, {
      attributes: {
        "enamel.task_id": run.taskId,
        "enamel.stage.path": spec.path,
        "enamel.stage.phase": spec.phase,
        "enamel.stage.first_attempt": spec.firstAttempt
      }
    })
  )

const attemptOnce = <A, E, R>(
  run: RunState,
  spec: AttemptSpec<A, E, R>,
  attempt: number
): Effect.Effect<Outcome<A, E>, CheckpointError, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function* () {
      const startedAt = yield* Clock.currentTimeMillis
      const detail = yield* Ref.make<StageDetail>({ requestIds: [] })
      const entry = (state: EntryState, result: unknown = null, error: ErrorInfo | null = null) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const ended = state !== "RUNNING"
          const written: TimelineWrite = {
            taskId: run.taskId,
            path: spec.path,
            phase: spec.phase,
            attempt,
            state,
            startedAt: DateTime.unsafeMake(startedAt),
            endedAt: ended ? DateTime.unsafeMake(now) : null,
            durationMs: ended ? now - startedAt : null,
            result,
            error,
            detail: yield* Ref.get(detail)
          }
          return written
        })
      const write = (state: EntryState) => Effect.flatMap(entry(state), run.journal.write)
      const measure = (outcome: "succeeded" | "failed" | "interrupted") =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Metric.update(
            stageDurationOf(pathTemplate(spec.path), spec.phase, outcome),
            (now - startedAt) / 1000
          )
        )
      yield* write("RUNNING")
      yield* Effect.annotateCurrentSpan("enamel.stage.attempt", attempt)
      const context: StageContext = {
        taskId: run.taskId,
        path: spec.path,
        attempt,
        idempotencyToken: idempotencyToken(run.taskId, spec.path),
        cutOffAttemptStartedAt: attempt === spec.firstAttempt ? spec.cutOffAttemptStartedAt : undefined,
        annotate: (more) =>
          Ref.update(detail, (d) => ({ requestIds: [...d.requestIds, ...(more.requestIds ?? [])] }))
      }
      // Only waits may be cut off; any other body finishes, so that what it created gets recorded.
      const body: Effect.Effect<Option.Option<A>, E, R> = spec.waits
        ? restore(unlessStopped(run, spec.body(context)))
        : Effect.map(spec.body(context), Option.some)
      const exit = yield* Effect.exit(body)
      if (Exit.isSuccess(exit)) {
        if (Option.isNone(exit.value)) {
          yield* measure("interrupted")
          yield* write("INTERRUPTED")
          return { _tag: "Halted" } as const
        }
        const value = exit.value.value
        yield* measure("succeeded")
        yield* run.journal.writeLater(yield* entry("SUCCEEDED", yield* spec.encode(value)))
        yield* spec.onSuccess(value)
        return { _tag: "Done", value } as const
      }
      if (Cause.isInterruptedOnly(exit.cause)) {
        yield* measure("interrupted")
        yield* write("INTERRUPTED")
        return yield* Effect.interrupt
      }
      yield* measure("failed")
      const failed = yield* entry("RETRYING", null, describeCause(exit.cause, spec.path, spec.describe))
      yield* run.journal.write(failed)
      return { _tag: "Failed", cause: exit.cause, entry: failed } as const
    })
  )
