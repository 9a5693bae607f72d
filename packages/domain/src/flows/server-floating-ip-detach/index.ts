/** `server.floating_ip.detach`: `DELETE /servers/{id}/floating-ips/{id}`, off the port, released if Enamel's. */
export { AttachedFloatingIp } from "./attachedFloatingIp.js"
export { command } from "./command.js"
export { FloatingIpNotAttached } from "./errors.js"
export { flow } from "./flow.js"
export { DetachFloatingIpRequest, DetachFloatingIpResult, type } from "./request.js"
