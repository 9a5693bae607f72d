/** `network.delete`: `DELETE /networks/{id}`, the network and its plumbing (routers only if Enamel made them). */
export { command } from "./command.js"
export { NetworkInUse, NetworkNotDeletable, NetworkNotFound, UsingPort } from "./errors.js"
export { NetworkTopology } from "./findNetworkTopology.js"
export { flow } from "./flow.js"
export { DeleteNetworkRequest, DeleteNetworkResult, type } from "./request.js"
