/** `server.resize`: `POST /servers/{id}/resize`, a server moved to another flavor, confirmed or reverted. */
export { ResizePlan } from "./checkRequest.js"
export { command } from "./command.js"
export { FlavorNotFound, FlavorUnchanged } from "./errors.js"
export { flow } from "./flow.js"
export { ResizeServerBody, ResizeServerRequest, ResizeServerResult, type } from "./request.js"
