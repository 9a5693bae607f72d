/**
 * `network.delete` version 1: the flow behind `DELETE /networks/{id}`. The network's plumbing goes in the
 * reverse of the order it was made: find what hangs on the network (refused if a port other than its
 * plumbing uses it) → take the routers' interfaces off → delete the routers Enamel made that nothing else
 * uses → delete the subnets → delete the network; each removal waits until the thing is gone and takes
 * "gone already" as done, so a resume after a crash is safe. Nothing here can be undone, so no stage has
 * an undo. A network the user made by hand may be deleted too: its routers are then the user's and stay
 * (only their interfaces on it go). Frozen once released: a change makes version 2 beside it (see the
 * package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteNetwork } from "./deleteNetwork.js"
import { deleteRouters } from "./deleteRouters.js"
import { deleteSubnets } from "./deleteSubnets.js"
import { findNetworkTopology } from "./findNetworkTopology.js"
import { removeRouterInterfaces } from "./removeRouterInterfaces.js"
import { DeleteNetworkRequest, DeleteNetworkResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: DeleteNetworkRequest,
  result: DeleteNetworkResult,
  stages: {
    findNetworkTopology,
    removeRouterInterfaces,
    deleteRouters,
    deleteSubnets,
    deleteNetwork
  },
  program: ({ network_id }) =>
    Effect.gen(function* () {
      // 1. The network, its subnets, the routers' interfaces on them and which routers go (refused while used).
      const topology = yield* Flow.stage(findNetworkTopology, network_id)
      // 2. The interfaces; 3. the routers Enamel made that nothing else uses; 4. the subnets; 5. the network.
      const interfacePortIds = yield* Flow.stage(removeRouterInterfaces, topology.interfaces)
      const routerIds = yield* Flow.stage(deleteRouters, topology.router_ids)
      const subnetIds = yield* Flow.stage(deleteSubnets, topology.subnet_ids)
      const networkId = yield* Flow.stage(deleteNetwork, topology.network_id)
      return {
        network_id: networkId,
        subnet_ids: subnetIds,
        router_ids: routerIds,
        interface_port_ids: interfacePortIds
      }
    })
})
