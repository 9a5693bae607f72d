/**
 * A worker process for the scale benchmark: consumes `bench.noop` and runs a flow of `stages` stages
 * that make no cloud calls (each only waits `sleepMs`, as a stage waiting on a cloud would), with
 * checkpoints in PostgreSQL, leases and the outbox like any worker.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Flow, runnable, Stage } from "@enamel/domain"
import { TaskFlowsLayer } from "@enamel/worker"
import { Effect, Layer, Schema } from "effect"
import { TaskFlows, taskFlow } from "../packages/worker/src/TaskFlows.js"
import { workerProcess } from "../packages/worker/src/WorkerProcess.js"

export const SCALE_TOPIC = "bench.noop"

const wait = Stage.make({
  name: "wait",
  result: Schema.Number,
  run: (sleepMs: number) => Effect.as(Effect.sleep(sleepMs), sleepMs)
})

const noCloudFlow = Flow.make({
  type: SCALE_TOPIC,
  params: Schema.Struct({ stages: Schema.Int, sleepMs: Schema.Int }),
  result: Schema.Number,
  program: ({ stages, sleepMs }) =>
    Effect.gen(function* () {
      let waited = 0
      for (let i = 0; i < stages; i++) waited += yield* Flow.scoped(`s${i}`)(Flow.stage(wait, sleepMs))
      return waited
    })
})

const Flows = Layer.effect(
  TaskFlows,
  Effect.map(
    taskFlow(runnable(noCloudFlow), () => Layer.empty),
    (flow) => TaskFlowsLayer.fromList([flow])
  )
)

Layer.launch(workerProcess(Flows)).pipe(NodeRuntime.runMain)
