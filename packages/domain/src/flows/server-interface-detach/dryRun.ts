/**
 * `DELETE /servers/{id}/interfaces/{port_id}?dry_run=true` (after the admission): the first stage's check
 * with the caller's session — the port is detached and deleted when Enamel made it, its floating IPs
 * Enamel made are released (the user's only taken off).
 */
import { Effect } from "effect"
import { planRefusal, removalPlan } from "../cloud/planRefusal.js"
import { attachedPort } from "./attachedPort.js"
import type { DetachInterfaceRequest } from "./request.js"

export const planDetachInterface = (request: DetachInterfaceRequest) =>
  attachedPort(request.server_id, request.port_id).pipe(
    Effect.map((found) => {
      const deletes: Record<string, number> = {}
      if (found.created) deletes.port = 1
      if (found.enamel_floating_ip_ids.length > 0) deletes.floating_ip = found.enamel_floating_ip_ids.length
      return removalPlan(
        { [`server:${request.server_id}`]: found.server_id, [`port:${request.port_id}`]: found.port_id },
        deletes
      )
    }),
    Effect.catchAll(planRefusal(`whether port ${request.port_id} is on server ${request.server_id}`))
  )
