import { Args, Command } from "@effect/cli"
import { Effect } from "effect"
import { withClient } from "../client.js"
import { enamel } from "../globals.js"
import { parseId } from "../input/ids.js"
import { printTask } from "../render/formats.js"
import { line } from "../render/Output.js"
import { titleOf, watchTask } from "../watch.js"
import { wait } from "./server/shared.js"

/**
 * `enamel task retry|rollback ID [--wait]`: take up a held task (one asked with `--on-failure keep` that
 * failed). With --wait, exit 0 only if the retry SUCCEEDED or the rollback ended ROLLED_BACK.
 */

const id = Args.text({ name: "ID" }).pipe(Args.withDescription("the held task's id"))

const takeUp = (action: "retry" | "rollback", goal: "SUCCEEDED" | "ROLLED_BACK", description: string) =>
  Command.make(action, { id, wait }, (flags) =>
    Effect.gen(function* () {
      const taskId = yield* parseId("task", flags.id)
      const globals = yield* enamel
      yield* withClient((client) =>
        Effect.gen(function* () {
          const call = action === "retry" ? client.api.tasks.retryTask : client.api.tasks.rollbackTask
          const { task } = yield* call({ path: { id: taskId } })
          if (flags.wait)
            return yield* Effect.asVoid(watchTask(client, task.id, titleOf(task), { ...globals, goal }))
          yield* printTask(globals.format, task)
          if (globals.format === "table") yield* line(`Watch it: enamel task watch ${task.id}`)
        })
      )
    })
  ).pipe(Command.withDescription(description))

export const retry = takeUp(
  "retry",
  "SUCCEEDED",
  "Retry a held task (FAILED, held): it resumes from the stage that failed; what it completed is not run again."
)

export const rollback = takeUp(
  "rollback",
  "ROLLED_BACK",
  "Roll a held task back: it undoes what it made, latest first (ROLLING_BACK, then ROLLED_BACK)."
)
