/**
 * `@enamel/domain`: the engine. Tasks and their states, stages, flows and the runner, the in-memory
 * checkpoints, and the error catalogue. It depends on Effect alone: a library user embeds it with no
 * server and no cloud. The HTTP contract is `@enamel/domain/contract`; Enamel's flows (OpenStack) are
 * `@enamel/domain/flows`.
 */

export { type CodeMeaning, codesAnswering, ErrorCode, meanings, type Seen } from "./ErrorCatalogue.js"
export * from "./engine/errors.js"
export * as Checkpoints from "./engine/flow/Checkpoints.js"
export * as CheckpointsMemory from "./engine/flow/CheckpointsMemory.js"
export * as Flow from "./engine/flow/Flow.js"
export * from "./engine/flow/FlowOutcome.js"
export {
  type Ending,
  type FlowShape,
  type RunnableFlow,
  runnable,
  shapeOf
} from "./engine/flow/RunnableFlow.js"
export { FlowHalted, FlowRun } from "./engine/flow/RunState.js"
export { type RunOptions, runFlow } from "./engine/flow/runFlow.js"
export * as Stage from "./engine/flow/Stage.js"
export { family as metricFamily } from "./engine/metrics/family.js"
export * as Prometheus from "./engine/metrics/prometheus.js"
export * as EngineMetrics from "./engine/metrics/stages.js"
export * from "./engine/task/OnFailure.js"
export * from "./engine/task/Task.js"
export * from "./engine/task/TaskMessage.js"
export * as TaskState from "./engine/task/TaskState.js"
export * from "./engine/task/TimelineEntry.js"
export * as Logging from "./Logging.js"
