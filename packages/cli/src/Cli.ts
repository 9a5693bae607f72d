import { CliConfig, Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { admin } from "./commands/admin.js"
import { network } from "./commands/network/index.js"
import { serve } from "./commands/serve.js"
import { server } from "./commands/server/index.js"
import { task } from "./commands/task.js"
import { ExitCode, report } from "./exit.js"
import { enamel, hoistGlobals } from "./globals.js"
import * as Output from "./render/Output.js"

/**
 * The `enamel` command: its tree, and how a run ends. `run(argv)` gives the exit code; it never fails,
 * having said on stderr what went wrong.
 */
export const command = enamel.pipe(Command.withSubcommands([server, network, task, admin, serve]))

const cli = Command.run(command, { name: "enamel", version: "0.1.0" })

/** What a run needs from the platform; tests give another Output. */
export const layer = Layer.mergeAll(NodeContext.layer, CliConfig.layer({ showBuiltIns: false }))

export const run = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const output = yield* Output.Output
    const console = yield* Effect.console
    return yield* Effect.withConsole(cli(hoistGlobals(argv)), Output.consoleOf(output, console))
  }).pipe(
    Effect.as(ExitCode.ok),
    Effect.catchAll(report),
    Effect.catchAllDefect((defect) =>
      Effect.as(Output.note(`enamel: internal error: ${String(defect)}`), ExitCode.failed)
    )
  )
