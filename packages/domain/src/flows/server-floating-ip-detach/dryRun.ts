/**
 * `DELETE /servers/{id}/floating-ips/{floating_ip_id}?dry_run=true` (after the admission): the first
 * stage's check with the caller's session — the floating IP is taken off, and released when Enamel made it.
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { attachedFloatingIp } from "./attachedFloatingIp.js"
import type { DetachFloatingIpRequest } from "./request.js"

export const planDetachFloatingIp = (request: DetachFloatingIpRequest) =>
  attachedFloatingIp(request.server_id, request.floating_ip_id).pipe(
    Effect.map(
      (found): Planned => ({
        resolved: {
          [`server:${request.server_id}`]: found.server_id,
          [`floating_ip:${request.floating_ip_id}`]: found.floating_ip_id
        },
        creates: {},
        deletes: found.created ? { floating_ip: 1 } : {},
        quotas: [],
        quotas_unchecked: []
      })
    ),
    Effect.catchAll(
      planRefusal(`whether floating IP ${request.floating_ip_id} is on server ${request.server_id}`)
    )
  )
