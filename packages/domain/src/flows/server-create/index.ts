/** `server.create`: `POST /servers`, one or more servers with everything they are made of. */
export { serverConcurrency } from "./buildServers.js"
export { command } from "./command.js"
export { UnresolvedRequest } from "./errors.js"
/** The newest version: the one new tasks get. */
export { flow, type } from "./flow.js"
export { Boot, Plan } from "./plan.js"
export {
  BootVolumeRequest,
  BootVolumeRequestV1,
  CreateServersRequest,
  CreateServersRequestV1,
  KeypairRequest,
  NetworkRequest
} from "./request.js"
export { CreatedServer, CreateServersResult } from "./result.js"
export { flow as flowV1 } from "./v1/flow.js"
export { Plan as PlanV1 } from "./v1/plan.js"
