import { Flow, runnable, Stage } from "@enamel/domain"
import { ServerCreate } from "@enamel/domain/flows"
import { TaskFlowsLayer, taskFlow } from "@enamel/worker"
import { Data, Effect, Layer, Schema } from "effect"

/**
 * Stand-ins for the cloud flows, so the behaviour suite runs without a cloud: `POST /servers` starts
 * one, and the server's name says what it does.
 *
 * - `ok-*`: three steps of 50 ms, then succeeds;
 * - `slow-*`: six steps of 250 ms (time to stop Enamel in the middle);
 * - `fail-*`: two steps, then a stage that fails for good (both steps are undone);
 * - `wait-*`: a step, then a stage that only waits, forever (to be cancelled);
 * - `flaky-*`: two steps, then a stage that fails for good at its first attempt and succeeds at any later
 *   one (a retry of a held task: its attempts go on counting).
 */
class Refused extends Data.TaggedError("Refused")<{ readonly code: string; readonly message: string }> {}

const step = Stage.make({
  name: "step",
  result: Schema.String,
  run: (sleepMs: number, ctx) => Effect.as(Effect.sleep(sleepMs), ctx.path),
  compensate: () => Effect.void
})

const refuse = Stage.make({
  name: "refuse",
  result: Schema.Void,
  run: () => Effect.fail(new Refused({ code: "test.refused", message: "the test flow refuses" }))
})

const refuseFirst = Stage.make({
  name: "refuseFirst",
  result: Schema.Void,
  run: (_: null, ctx) =>
    ctx.attempt === 1
      ? Effect.fail(new Refused({ code: "test.refused", message: "the test flow refuses once" }))
      : Effect.void
})

const waitForever = Stage.make({
  name: "waitForever",
  result: Schema.Void,
  waits: true,
  run: () => Effect.never
})

const steps = (count: number, sleepMs: number) =>
  Effect.forEach(
    Array.from({ length: count }, (_, i) => i),
    (i) => Flow.scoped(`s${i}`)(Flow.stage(step, sleepMs))
  )

const behaviour = Flow.make({
  type: "server.create",
  // The version the API gives new tasks: a worker runs no other.
  version: ServerCreate.flow.version,
  params: Schema.Struct({ name: Schema.String }),
  result: Schema.Array(Schema.String),
  program: ({ name }) =>
    Effect.gen(function* () {
      if (name.startsWith("slow")) return yield* steps(6, 250)
      if (name.startsWith("fail")) {
        yield* steps(2, 10)
        yield* Flow.stage(refuse, null)
        return []
      }
      if (name.startsWith("flaky")) {
        yield* steps(2, 10)
        yield* Flow.stage(refuseFirst, null)
        return ["done"]
      }
      if (name.startsWith("wait")) {
        yield* steps(1, 10)
        yield* Flow.stage(waitForever, null)
        return []
      }
      return yield* steps(3, 50)
    })
})

export const layer = TaskFlowsLayer.layer([taskFlow(runnable(behaviour), () => Layer.empty)])
