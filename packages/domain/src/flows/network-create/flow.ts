/**
 * `network.create` version 1: the flow behind `POST /networks`. A network with one subnet, routed to an
 * external network: what a new project needs before a server it boots can be reached. Every create
 * carries the task's mark and its stage's token (`neutronTags`), so a stage run again after a crash
 * adopts what it made, and a failure at any stage undoes what the others made, in reverse. Frozen once
 * released: a change makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { addRouterInterface } from "./addRouterInterface.js"
import { createNetwork } from "./createNetwork.js"
import { createRouter } from "./createRouter.js"
import { createSubnet } from "./createSubnet.js"
import {
  CreateNetworkRequest,
  type CreateNetworkResult,
  CreateNetworkResult as Result,
  type
} from "./request.js"
import { resolveNetworkRequest } from "./resolveRequest.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: CreateNetworkRequest,
  result: Result,
  stages: { resolveNetworkRequest, createNetwork, createSubnet, createRouter, addRouterInterface },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The external network and the CIDR (the one asked for, or the first free /24); nothing made.
      const resolved = yield* Flow.stage(resolveNetworkRequest, request)
      // 2. At once: the network → its subnet (undo: delete each), and the router with its gateway on
      //    the external network (undo: delete it).
      const [subnet, router] = yield* Flow.parallel(
        Flow.stage(createNetwork, { name: resolved.name }).pipe(
          Effect.flatMap((network) =>
            Flow.stage(createSubnet, {
              network_id: network.id,
              name: `${resolved.name}-subnet`,
              cidr: resolved.cidr,
              ip_version: resolved.ip_version,
              dns_nameservers: resolved.dns_nameservers
            })
          )
        ),
        Flow.stage(createRouter, {
          name: `${resolved.name}-router`,
          external_network_id: resolved.external_network_id
        })
      )
      // 3. The subnet's interface on the router (undo: take it off).
      const attached = yield* Flow.stage(addRouterInterface, { router_id: router.id, subnet_id: subnet.id })
      const result: CreateNetworkResult = {
        network_id: subnet.network_id,
        subnet_id: subnet.id,
        router_id: router.id,
        interface_port_id: attached.port_id,
        cidr: subnet.cidr
      }
      return result
    })
})
