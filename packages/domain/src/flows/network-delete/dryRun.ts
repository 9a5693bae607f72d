/**
 * `DELETE /networks/{id}?dry_run=true` (after the admission, which refuses a network other ports use):
 * the first stage's search with the caller's session — the network, its subnets, the routers' interfaces
 * on it (their ports go) and the routers Enamel made for it that nothing else uses.
 */
import { Effect } from "effect"
import { planRefusal, removalPlan } from "../cloud/planRefusal.js"
import { networkTopology } from "./findNetworkTopology.js"
import type { DeleteNetworkRequest } from "./request.js"

export const planDeleteNetwork = (request: DeleteNetworkRequest) =>
  networkTopology(request.network_id).pipe(
    Effect.map((found) => {
      const deletes: Record<string, number> = { network: 1 }
      const counted: ReadonlyArray<readonly [string, number]> = [
        ["subnet", found.subnet_ids.length],
        ["port", found.interfaces.length],
        ["router", found.router_ids.length]
      ]
      for (const [kind, count] of counted) if (count > 0) deletes[kind] = count
      return removalPlan({ [`network:${request.network_id}`]: found.network_id }, deletes)
    }),
    Effect.catchAll(planRefusal(`whether network ${request.network_id} can be deleted`))
  )
