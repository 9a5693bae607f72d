/**
 * `network.create`: `POST /networks`, a network, its subnet, a router with its gateway on an external
 * network, and the subnet's interface on it. The stages and `resolveNetwork` are exported for other
 * flows that make such a network (server.create's `network: "auto"`).
 */
export { addRouterInterface, RouterInterface, type RouterInterfaceInput } from "./addRouterInterface.js"
export { admitNetworkRequest } from "./admission.js"
export { command } from "./command.js"
export { CreatedNetwork, createNetwork, type NetworkInput } from "./createNetwork.js"
export { CreatedRouter, createRouter, type RouterInput } from "./createRouter.js"
export { CreatedSubnet, createSubnet, type SubnetInput } from "./createSubnet.js"
export {
  CidrOverlaps,
  ExternalNetworkFull,
  ExternalNetworkNotFound,
  ExternalNetworkUnresolved,
  NetworkNotExternal,
  NetworkOverQuota,
  NoFreeCidr
} from "./errors.js"
export { DefaultExternalNetwork, resolveExternalNetwork } from "./externalNetwork.js"
export { flow } from "./flow.js"
export { CreateNetworkRequest, CreateNetworkResult, type } from "./request.js"
export {
  type NetworkAsked,
  overlappingSubnet,
  projectSubnets,
  ResolvedNetwork,
  resolveNetwork,
  resolveNetworkRequest
} from "./resolveRequest.js"
