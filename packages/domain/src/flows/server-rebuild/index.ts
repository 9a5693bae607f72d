/** `server.rebuild`: `POST /servers/{id}/rebuild`, a volume-backed server rebuilt from an image. */
export { RebuildPlan, ReplacedServer } from "./checkRequest.js"
export { command } from "./command.js"
export {
  ImageNotFound,
  RebuildNotOffered,
  RebuildOverQuota,
  RebuildRequestUnresolved,
  ServerNotVolumeBacked,
  VolumeDeletedOnTermination
} from "./errors.js"
/** The newest version: the one new tasks get. */
export { flow } from "./flow.js"
export { RebuildBody, RebuildPath, RebuildRequest, RebuildResult, type } from "./request.js"
export { flow as flowV1 } from "./v1/flow.js"
