/**
 * `@enamel/cli`: the `enamel` command (`Cli.ts`, run by `main.ts`), and the one renderer of a task's
 * stages that the command and the demo share.
 */
export * as Cli from "./Cli.js"
export { ExitCode, TaskNotSucceeded } from "./exit.js"
export type { Format } from "./globals.js"
export * as Output from "./render/Output.js"
export { titleOf, type WatchOptions, watchTask } from "./watch.js"
