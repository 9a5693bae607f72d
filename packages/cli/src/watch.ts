import type { EnamelClientShape } from "@enamel/client"
import type { TaskDetailView } from "@enamel/domain/contract"
import { Effect } from "effect"
import { TaskNotSucceeded } from "./exit.js"
import type { Format } from "./globals.js"
import { printFinal } from "./render/formats.js"
import { note, Output } from "./render/Output.js"
import * as Renderer from "./render/Renderer.js"

export interface WatchOptions {
  readonly format: Format
  /** --debug: its lines go to the same terminal, so plain lines instead of the live view. */
  readonly debug: boolean
  /** The state the watch was for (SUCCEEDED unless said: a rollback is for ROLLED_BACK). */
  readonly goal?: string
}

/**
 * `--wait` and `task watch` (and the demo): the task's stages shown as they happen (the live view on a
 * terminal, plain lines elsewhere, nothing for json/value), then the final task. Ctrl-C detaches: the
 * task goes on, and the command says how to watch it again. Fails with TaskNotSucceeded unless the task
 * SUCCEEDED (or reached `goal`).
 */
export const watchTask = Effect.fn("enamel.watchTask")(function* (
  client: EnamelClientShape,
  id: string,
  title: string,
  options: WatchOptions
) {
  const { format, debug } = options
  const output = yield* Output
  const final: TaskDetailView = yield* Effect.scoped(
    Effect.gen(function* () {
      // --debug writes to the same terminal; plain lines keep the two from garbling each other.
      const renderer =
        format !== "table"
          ? Renderer.quiet
          : output.isTerminal && !debug
            ? yield* Renderer.live(title)
            : yield* Renderer.plain
      return yield* client.waitForTask(id, { onEvent: renderer.onEvent })
    })
  ).pipe(
    Effect.onInterrupt(() =>
      note(`\nDetached: task ${id} goes on. Watch it again with:\n  enamel task watch ${id}`)
    )
  )
  yield* printFinal(format, final)
  if (final.state !== (options.goal ?? "SUCCEEDED"))
    return yield* new TaskNotSucceeded({ id, state: final.state })
  return final
})

/** `server.create 6f1c2a34`: how the live view's first line names a task. */
export const titleOf = (task: { readonly type: string; readonly id: string }) =>
  `${task.type} ${task.id.slice(0, 8)}`
