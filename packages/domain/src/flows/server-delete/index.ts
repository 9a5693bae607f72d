/** `server.delete`: `DELETE /servers/{id}`, the server and what Enamel made for it. */
export { command } from "./command.js"
export { ServerNotFound } from "./errors.js"
export { ServerResources } from "./findServerResources.js"
export { DeleteServerRequest, DeleteServerResult, flow, type } from "./flow.js"
