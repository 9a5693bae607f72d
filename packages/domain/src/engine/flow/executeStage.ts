import { Cause, Chunk, DateTime, Deferred, Effect, Option, Ref, Schema } from "effect"
import { CheckpointError } from "../errors.js"
import { runAttempts } from "./attempts.js"
import { isInDoubt } from "./history.js"
import { pathTemplate } from "./paths.js"
import { describeCause, FlowHalted, isStopped, type RunState, StopReason } from "./RunState.js"
import type { DescribeError, Stage } from "./Stage.js"

/**
 * Runs one stage at `path`, or hands back what an earlier run recorded for it.
 *
 * - Recorded SUCCEEDED: its stored result is decoded and returned; its effect does not run again.
 * - The run is stopping (a failure or a cancel): no new stage starts. A stage left in doubt by a crash
 *   still runs once more, so that what it may have created is adopted, and then undone.
 * - Otherwise the stage runs, attempt by attempt. A definitive failure stops the run.
 * Every completed stage registers its undo for the unwinding.
 */
export const executeStage = <I, A, AI, E, R>(
  run: RunState,
  stage: Stage<I, A, E, R, AI>,
  input: I,
  path: string
): Effect.Effect<A, E | FlowHalted | CheckpointError, R> =>
  Effect.gen(function* () {
    const seen = yield* Effect.sync(() => {
      if (run.paths.has(path)) return true
      run.paths.add(path)
      return false
    })
    if (seen) return yield* Effect.dieMessage(`stage path ${path} is used twice in one flow; scope it`)
    const declared = run.checklist?.[pathTemplate(path)]
    if (run.checklist !== undefined && declared !== stage) {
      return yield* Effect.dieMessage(
        `stage ${stage.name} at ${pathTemplate(path)} is not on the checklist of ${run.flowName}: ` +
          "declare it in the flow's stages (a flow that tasks may be running changes only by a new version)"
      )
    }
    const context = yield* Effect.context<R>()
    const compensate = stage.compensate
    const register = (value: A, completed: number): Effect.Effect<void> =>
      compensate === undefined
        ? Effect.void
        : Ref.update(run.compensations, (list) =>
            Chunk.append(list, {
              completed,
              path,
              retry: stage.compensateRetry,
              describe: stage.describeError,
              undo: (ctx) => Effect.provide(compensate(value, ctx), context)
            })
          )

    const recorded = run.history.runs.get(path)
    if (recorded?.state === "SUCCEEDED") {
      const value = yield* Effect.orDie(Schema.decodeUnknown(stage.result)(recorded.result))
      yield* register(value, recorded.seq)
      return value
    }
    const inDoubt = recorded !== undefined && isInDoubt(recorded)
    if ((yield* isStopped(run)) && !(inDoubt && stage.waits !== true)) return yield* new FlowHalted()

    const encode = Schema.encode(stage.result)
    return yield* runAttempts(run, {
      phase: "run",
      path,
      firstAttempt: (recorded?.attempt ?? 0) + 1,
      cutOffAttemptStartedAt: inDoubt ? DateTime.toEpochMillis(recorded.startedAt) : undefined,
      body: (ctx) => stage.run(input, ctx),
      retry: stage.retry,
      describe: stage.describeError,
      waits: stage.waits === true,
      haltable: true,
      encode: (a) => Effect.orDie(encode(a)),
      onSuccess: (value) =>
        Effect.flatMap(
          Ref.updateAndGet(run.completions, (n) => n + 1),
          (completed) => register(value, completed)
        )
    }).pipe(Effect.tapErrorCause((cause) => stopOnFailure(run, cause, path, stage.describeError)))
  })

/** A stage's own definitive failure (not a halt, not the store, not an interruption) stops the run. */
const stopOnFailure = (
  run: RunState,
  cause: Cause.Cause<unknown>,
  path: string,
  describe: DescribeError | undefined
): Effect.Effect<void> => {
  const bookkeeping = Option.match(Cause.failureOption(cause), {
    onSome: (e) => e instanceof FlowHalted || e instanceof CheckpointError,
    onNone: () => Cause.isInterruptedOnly(cause)
  })
  return bookkeeping
    ? Effect.void
    : Effect.asVoid(
        Deferred.succeed(run.stop, StopReason.Failed({ error: describeCause(cause, path, describe) }))
      )
}
