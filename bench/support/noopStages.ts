/**
 * The engine part's flow of N no-op stages and its timing, shared by bench/engine.ts (in process) and
 * bench/engineSide.ts (a process of its own, also bundled from a baseline checkout).
 */
import { Flow, runFlow, Stage } from "@enamel/domain"
import { Effect, Schema } from "effect"

const noop = Stage.make({ name: "noop", result: Schema.Number, run: (i: number) => Effect.succeed(i) })

export const manyStages = (n: number) =>
  Flow.make({
    type: "bench.noop",
    params: Schema.Void,
    result: Schema.Number,
    program: () =>
      Effect.gen(function* () {
        let total = 0
        for (let i = 0; i < n; i++) total += yield* Flow.scoped(`s${i}`)(Flow.stage(noop, i))
        return total
      })
  })

export const perStage = (n: number) =>
  Effect.gen(function* () {
    const started = performance.now()
    yield* runFlow(manyStages(n), { taskId: crypto.randomUUID(), params: undefined })
    return (performance.now() - started) / n
  })
