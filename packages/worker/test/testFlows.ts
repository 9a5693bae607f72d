import { Flow, Stage } from "@enamel/domain"
import { Effect, Schema } from "effect"

/** Every stage effect that ran, by idempotency token: a duplicate run shows as a count of 2. */
export const executions = new Map<string, number>()

const Params = Schema.Struct({
  stages: Schema.Int,
  sleepMs: Schema.Int,
  /** A last stage that only waits (forever), so a test can cancel while it waits. */
  waitForever: Schema.optionalWith(Schema.Boolean, { default: () => false })
})

const step = Stage.make({
  name: "step",
  result: Schema.String,
  run: (sleepMs: number, ctx) =>
    Effect.gen(function* () {
      executions.set(ctx.idempotencyToken, (executions.get(ctx.idempotencyToken) ?? 0) + 1)
      yield* Effect.sleep(sleepMs)
      return ctx.path
    }),
  compensate: (_, ctx) => Effect.sync(() => executions.set(`undo ${ctx.idempotencyToken}`, 1))
})

const waitForever = Stage.make({
  name: "waitForever",
  result: Schema.Void,
  waits: true,
  run: () => Effect.never
})

/** A flow of `stages` steps that do nothing but sleep, for worker tests that need no cloud. */
export const stepsFlow = (type: string) =>
  Flow.make({
    type,
    params: Params,
    result: Schema.Array(Schema.String),
    program: (params) =>
      Effect.gen(function* () {
        const done: Array<string> = []
        for (let i = 0; i < params.stages; i++) {
          done.push(yield* Flow.scoped(`s${i}`)(Flow.stage(step, params.sleepMs)))
        }
        if (params.waitForever) yield* Flow.stage(waitForever, null)
        return done
      })
  })
