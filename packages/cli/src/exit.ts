import { ValidationError } from "@effect/cli"
import { EnamelApiError, isEnamelClientError } from "@enamel/client"
import { Cause, Data, Effect, Exit } from "effect"
import { UsageError } from "./input/UsageError.js"
import { note } from "./render/Output.js"

/**
 * How the command ends: 0 only when it did what was asked (for `--wait` and `task watch`: the task
 * SUCCEEDED); 1 for an error or a task that ended otherwise; 2 for a command line that cannot be right,
 * refused before any call (as `openstack` does); 130 when interrupted (Ctrl-C: a watched task goes on).
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const

/** A watched task ended, but not SUCCEEDED: what it did was printed already. */
export class TaskNotSucceeded extends Data.TaggedError("TaskNotSucceeded")<{
  readonly id: string
  readonly state: string
}> {}

/** Says what went wrong on stderr, in a person's words, and gives the exit code. */
export const report = (error: unknown) =>
  Effect.gen(function* () {
    // @effect/cli has printed its own usage errors with the command's usage.
    if (ValidationError.isValidationError(error)) return ExitCode.usage
    if (error instanceof UsageError) {
      yield* note(`enamel: ${error.message}\n(see --help)`)
      return ExitCode.usage
    }
    if (error instanceof TaskNotSucceeded) {
      yield* note(`task ${error.id} ended ${error.state}`)
      return ExitCode.failed
    }
    if (error instanceof EnamelApiError) {
      yield* note(
        `Error: ${error.detail}\n  code ${error.code}, HTTP ${error.status}, request id ${error.requestId}`
      )
      return ExitCode.failed
    }
    if (isEnamelClientError(error)) {
      yield* note(`Error: ${error.message}`)
      return ExitCode.failed
    }
    yield* note(`Error: ${error instanceof Error ? error.message : String(error)}`)
    return ExitCode.failed
  })

/** The exit code of how the program ended (its value, the code, on success). */
export const codeOfExit = <E, A>(exit: Exit.Exit<A, E>): number =>
  Exit.match(exit, {
    onSuccess: (code) => (typeof code === "number" ? code : ExitCode.ok),
    onFailure: (cause) => (Cause.isInterruptedOnly(cause) ? ExitCode.interrupted : ExitCode.failed)
  })
