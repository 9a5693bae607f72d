/** `server.floating_ip.attach`: `POST /servers/{id}/floating-ips`, a new floating IP on a server's port. */
export { FloatingIpPlan } from "./checkRequest.js"
export { command } from "./command.js"
export { FloatingIpRequestUnresolved, NoFreePort } from "./errors.js"
export { flow } from "./flow.js"
export { AttachFloatingIpBody, AttachFloatingIpRequest, AttachFloatingIpResult, type } from "./request.js"
