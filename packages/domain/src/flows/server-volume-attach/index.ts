/** `server.volume.attach`: `POST /servers/{id}/volumes`, a new or existing volume attached to a server. */
export { AttachPlan } from "./checkRequest.js"
export { command } from "./command.js"
export { AttachRequestUnresolved, VolumeNotAvailable, VolumeNotFound } from "./errors.js"
/** The newest version: the one new tasks get. */
export { flow } from "./flow.js"
export {
  AttachVolumeBody,
  AttachVolumeRequest,
  AttachVolumeRequestV1,
  AttachVolumeResult,
  type
} from "./request.js"
export { flow as flowV1 } from "./v1/flow.js"
