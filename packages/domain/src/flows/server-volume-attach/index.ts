/** `server.volume.attach`: `POST /servers/{id}/volumes`, a new or existing volume attached to a server. */
export { AttachPlan } from "./checkRequest.js"
export { command } from "./command.js"
export { AttachRequestUnresolved, VolumeNotAvailable, VolumeNotFound } from "./errors.js"
export { flow } from "./flow.js"
export { AttachVolumeBody, AttachVolumeRequest, AttachVolumeResult, type } from "./request.js"
