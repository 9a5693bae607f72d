/**
 * `POST /servers/{id}/floating-ips?dry_run=true` (after the admission): the first stage's checks with the
 * caller's session — the external network and the port resolved, one floating IP to make, and Neutron's
 * floatingip quota for it (409 `quota.exceeded`).
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { resolveAttach } from "./checkRequest.js"
import type { AttachFloatingIpRequest } from "./request.js"

export const planFloatingIp = (request: AttachFloatingIpRequest) =>
  resolveAttach(request).pipe(
    Effect.map(
      ({ check, plan }): Planned => ({
        resolved: {
          [`server:${request.server_id}`]: plan.server_id,
          [`network:${request.network}`]: plan.network_id,
          port: plan.port_id
        },
        creates: { floating_ip: 1 },
        deletes: {},
        quotas: check.quotas,
        quotas_unchecked: check.quotas_unchecked
      })
    ),
    Effect.catchAll(planRefusal(`what server ${request.server_id}'s floating IP needs`))
  )
