/** `server.rebuild`: `POST /servers/{id}/rebuild`, a volume-backed server rebuilt from an image. */
export { RebuildPlan } from "./checkRequest.js"
export { command } from "./command.js"
export {
  ImageNotFound,
  RebuildNotOffered,
  RebuildRequestUnresolved,
  ServerNotVolumeBacked
} from "./errors.js"
export { flow } from "./flow.js"
export { RebuildBody, RebuildPath, RebuildRequest, RebuildResult, type } from "./request.js"
