export * as AdminRpcs from "./admin/AdminRpcs.js"
export * as CloudFlows from "./cloud/cloudFlows.js"
export * as TaskFlowsLayer from "./TaskFlows.js"
export {
  type Ending,
  EnvironmentUnavailable,
  TaskCannotRun,
  type TaskFlow,
  TaskFlows,
  taskFlow
} from "./TaskFlows.js"
export { WorkerPools } from "./WorkerPools.js"
export { AdminListen, workerPools, workerPoolsOn, workerProcess } from "./WorkerProcess.js"
export { parseTopics, Topics, WorkerSettings } from "./WorkerSettings.js"
