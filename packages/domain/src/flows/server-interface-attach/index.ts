/** `server.interface.attach`: `POST /servers/{id}/interfaces`, a new or existing port attached to a server. */
export { InterfacePlan } from "./checkRequest.js"
export { command } from "./command.js"
export { InterfaceRequestUnresolved } from "./errors.js"
export { flow } from "./flow.js"
export { AttachInterfaceBody, AttachInterfaceRequest, AttachInterfaceResult, type } from "./request.js"
