import { Cause, Chunk, Effect, Exit, Metric, Option, Ref } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { CheckpointError } from "../errors.js"
import { undoFailures } from "../metrics/stages.js"
import { runAttempts } from "./attempts.js"
import type { CompensationReport } from "./FlowOutcome.js"
import { pathTemplate } from "./paths.js"
import { describeCause, type RunState } from "./RunState.js"

/**
 * Undoes every completed stage, latest completion first. Each undo is recorded; one that fails is
 * recorded too and unwinding goes on. Undos recorded SUCCEEDED (or FAILED) by an earlier run that
 * crashed mid-unwind are not run again, so unwinding is itself resumable.
 */
export const unwind = (run: RunState): Effect.Effect<CompensationReport, CheckpointError> =>
  Effect.gen(function* () {
    const pending = Chunk.toArray(yield* Ref.get(run.compensations)).sort((a, b) => b.completed - a.completed)
    const compensated: Array<string> = []
    const failed: Array<CompensationReport["failed"][number]> = []
    for (const compensation of pending) {
      const recorded = run.history.compensations.get(compensation.path)
      if (recorded?.state === "SUCCEEDED") {
        compensated.push(compensation.path)
        continue
      }
      if (recorded?.state === "FAILED") {
        failed.push({
          path: compensation.path,
          error: recorded.error ?? { code: ErrorCode.internal, message: "compensation failed" }
        })
        continue
      }
      const exit = yield* Effect.exit(
        runAttempts(run, {
          phase: "compensate",
          path: compensation.path,
          firstAttempt: (recorded?.attempt ?? 0) + 1,
          // Undoing deletes; nothing a cut-off delete does later can duplicate anything.
          cutOffAttemptStartedAt: undefined,
          body: compensation.undo,
          retry: compensation.retry,
          describe: compensation.describe,
          waits: false,
          haltable: false,
          encode: () => Effect.succeed(null),
          onSuccess: () => Effect.void
        })
      )
      if (Exit.isSuccess(exit)) {
        compensated.push(compensation.path)
        continue
      }
      const storeDown = Cause.failureOption(exit.cause).pipe(
        Option.filter((e) => e instanceof CheckpointError)
      )
      if (Option.isSome(storeDown)) return yield* storeDown.value
      if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
      yield* Metric.increment(Metric.tagged(undoFailures, "stage", pathTemplate(compensation.path)))
      failed.push({
        path: compensation.path,
        error: describeCause(exit.cause, compensation.path, compensation.describe)
      })
    }
    return { compensated, failed }
  })
