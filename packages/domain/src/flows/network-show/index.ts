/** `GET /networks/{id}`: a porcelain read (no task): the network with its plumbing and ports, and who made each. */
export { NetworkNotFound } from "../cloud/networkErrors.js"
export { readNetwork } from "./readNetwork.js"
export {
  NetworkPortView,
  NetworkResponse,
  NetworkRouterView,
  NetworkSubnetView,
  NetworkView
} from "./view.js"
