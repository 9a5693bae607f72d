#!/usr/bin/env node
/**
 * `enamel …` (`corepack pnpm enamel …` in the checkout): see `Cli.ts` for the command tree. The exit code
 * is the run's (`exit.ts`); Ctrl-C interrupts it (a watched task goes on) and exits 130.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { layer, run } from "./Cli.js"
import { codeOfExit } from "./exit.js"
import * as Output from "./render/Output.js"

// Ctrl-C reaches this process twice when it runs under tsx (from the terminal, and relayed by tsx). The
// runtime handles the first and stops listening; a second would end the process before its finalizers
// (the detach note, PGlite's close in `serve`) have run: ignore repeats.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => undefined)

run(process.argv).pipe(Effect.provide(layer), Effect.provide(Output.layerProcess), (program) =>
  NodeRuntime.runMain(program, {
    disableErrorReporting: true,
    teardown: (exit, onExit) => onExit(codeOfExit(exit))
  })
)
