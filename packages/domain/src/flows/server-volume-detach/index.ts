/** `server.volume.detach`: `DELETE /servers/{id}/volumes/{volume_id}`, detached, and deleted if Enamel made it. */
export { AttachedVolume } from "./checkAttachment.js"
export { command } from "./command.js"
export { BootVolumeRefused, VolumeNotAttached } from "./errors.js"
export { flow } from "./flow.js"
export { DetachVolumeRequest, DetachVolumeResult, type } from "./request.js"
