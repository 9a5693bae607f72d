/**
 * The engine part's Enamel-on-PostgreSQL side as a process of its own, so that a baseline revision's
 * engine (BENCH_BASELINE) and the current one run alike: bundled from either checkout
 * (bench/support/baseline.ts), `node engineSide.mjs <stages>` runs 100 untimed stages (JIT), then
 * `stages` no-op stages with PostgreSQL checkpoints, and prints `{"msPerStage": …}`.
 */
import { CheckpointsPg } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer } from "effect"
import { perStage } from "./support/noopStages.js"

const stages = Number(process.argv[2] ?? "1000")
const program = Effect.gen(function* () {
  yield* perStage(100)
  return yield* perStage(stages)
}).pipe(Effect.provide(CheckpointsPg.layer.pipe(Layer.provide(TestDatabase.layer))))

Effect.runPromise(program).then(
  (msPerStage) => console.log(JSON.stringify({ msPerStage })),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
