/**
 * Engine overhead: a flow of N stages that do nothing, run with in-memory and with PostgreSQL
 * checkpoints; the time per stage is what the runtime itself costs (two checkpoint writes per stage).
 */
import { CheckpointsMemory, Flow, runFlow, Stage } from "@enamel/domain"
import { CheckpointsPg } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer, Schema } from "effect"

const noop = Stage.make({ name: "noop", result: Schema.Number, run: (i: number) => Effect.succeed(i) })

const manyStages = (n: number) =>
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

const perStage = (n: number) =>
  Effect.gen(function* () {
    const started = performance.now()
    yield* runFlow(manyStages(n), { taskId: crypto.randomUUID(), params: undefined })
    return (performance.now() - started) / n
  })

export interface EngineResult {
  readonly stages: number
  readonly memoryMsPerStage: number
  readonly postgresMsPerStage: number
}

/** Runs each store `rounds` times, alternating, and keeps the median. */
export const engineBench = (stages = 1000, rounds = 3) =>
  Effect.gen(function* () {
    const memory: Array<number> = []
    const postgres: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      memory.push(yield* Effect.provide(perStage(stages), CheckpointsMemory.layer))
      postgres.push(
        yield* Effect.provide(perStage(stages), CheckpointsPg.layer.pipe(Layer.provide(TestDatabase.layer)))
      )
    }
    const median = (xs: Array<number>) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
    return {
      stages,
      memoryMsPerStage: median(memory),
      postgresMsPerStage: median(postgres)
    } satisfies EngineResult
  })
