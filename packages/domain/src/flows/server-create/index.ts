/** `server.create`: `POST /servers`, one or more servers with everything they are made of. */
export { command } from "./command.js"
export { UnresolvedRequest } from "./errors.js"
export { flow, serverConcurrency, type } from "./flow.js"
export { Plan } from "./plan.js"
export { BootVolumeRequest, CreateServersRequest, KeypairRequest, NetworkRequest } from "./request.js"
export { CreatedServer, CreateServersResult } from "./result.js"
