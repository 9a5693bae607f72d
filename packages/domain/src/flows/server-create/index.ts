/** `server.create`: `POST /servers`, one or more servers with everything they are made of. */
export { serverConcurrency } from "./buildServers.js"
export { command } from "./command.js"
export { defaultNetworkName } from "./defaultNetwork/claimDefaultNetwork.js"
export { UnresolvedRequest } from "./errors.js"
/** The newest version: the one new tasks get. */
export { flow, type } from "./flow.js"
export { Boot, Plan, PlannedDefaultNetwork } from "./plan.js"
export {
  autoNetwork,
  BootVolumeRequest,
  BootVolumeRequestV1,
  CreateServersRequest,
  CreateServersRequestV1,
  CreateServersRequestV2,
  KeypairRequest,
  NetworkRequest,
  NetworkRequestV2
} from "./request.js"
export { CreatedServer, CreateServersResult } from "./result.js"
export { flow as flowV1 } from "./v1/flow.js"
export { Plan as PlanV1 } from "./v1/plan.js"
export { flow as flowV2 } from "./v2/flow.js"
export { Plan as PlanV2 } from "./v2/plan.js"
