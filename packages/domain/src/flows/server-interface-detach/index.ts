/** `server.interface.detach`: `DELETE /servers/{id}/interfaces/{port_id}`, detached, deleted if Enamel's. */
export { AttachedPort } from "./attachedPort.js"
export { command } from "./command.js"
export { PortNotAttached } from "./errors.js"
export { flow } from "./flow.js"
export { DetachInterfaceRequest, DetachInterfaceResult, type } from "./request.js"
