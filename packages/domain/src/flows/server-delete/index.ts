/** `server.delete`: `DELETE /servers/{id}`, the server and what Enamel made for it. */
export { command } from "./command.js"
export { ServerHasBackups, ServerNotFound } from "./errors.js"
export { ServerResources } from "./findServerResources.js"
/** The newest version: the one new tasks get. */
export { flow } from "./flow.js"
export {
  DeleteServerRequest,
  DeleteServerResult,
  DeleteServerWithBackupsRequest,
  DeleteServerWithBackupsResult,
  type
} from "./request.js"
export { flow as flowV1 } from "./v1/flow.js"
export { flow as flowV2 } from "./v2/flow.js"
export { flow as flowV3 } from "./v3/flow.js"
