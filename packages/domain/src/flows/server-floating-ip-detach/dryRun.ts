/**
 * `DELETE /servers/{id}/floating-ips/{floating_ip_id}?dry_run=true` (after the admission): the first
 * stage's check with the caller's session — the floating IP is taken off, and released when Enamel made it.
 */
import { Effect } from "effect"
import { planRefusal, removalPlan } from "../cloud/planRefusal.js"
import { attachedFloatingIp } from "./attachedFloatingIp.js"
import type { DetachFloatingIpRequest } from "./request.js"

export const planDetachFloatingIp = ({ server_id, floating_ip_id }: DetachFloatingIpRequest) =>
  attachedFloatingIp(server_id, floating_ip_id).pipe(
    Effect.map((found) =>
      removalPlan(
        { [`server:${server_id}`]: found.server_id, [`floating_ip:${floating_ip_id}`]: found.floating_ip_id },
        found.created ? { floating_ip: 1 } : {}
      )
    ),
    Effect.catchAll(planRefusal(`whether floating IP ${floating_ip_id} is on server ${server_id}`))
  )
