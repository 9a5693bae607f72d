/**
 * `POST /servers/{id}/interfaces?dry_run=true` (after the admission): the first stage's checks with the
 * caller's session — the network, address, security groups or existing port resolved, a port to make
 * unless an existing one is given (and a floating IP when asked), and Neutron's port and floatingip quotas
 * for them (409 `quota.exceeded`).
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { resolveInterface } from "./checkRequest.js"
import type { AttachInterfaceRequest } from "./request.js"

export const planInterface = (request: AttachInterfaceRequest) =>
  resolveInterface(request, "dry-run").pipe(
    Effect.map(({ check, plan }): Planned => {
      const resolved: Record<string, string> = { [`server:${request.server_id}`]: plan.server_id }
      const creates: Record<string, number> = {}
      const port = plan.port
      if (port._tag === "existing") resolved[`port:${port.id}`] = port.id
      else {
        resolved[`network:${request.network ?? port.network_id}`] = port.network_id
        if (port.fixed_ip !== undefined)
          resolved[`fixed_ip:${port.fixed_ip.ip_address}`] = port.fixed_ip.subnet_id
        ;(request.security_groups ?? []).forEach((name, i) => {
          const id = port.security_group_ids?.[i]
          if (id !== undefined) resolved[`security_group:${name}`] = id
        })
        creates.port = 1
      }
      const floating = request.floating_ip?.network
      if (floating !== undefined && plan.floating_network_id !== undefined) {
        resolved[`network:${floating}`] = plan.floating_network_id
        creates.floating_ip = 1
      }
      return {
        resolved,
        creates,
        deletes: {},
        quotas: check.quotas,
        quotas_unchecked: check.quotas_unchecked
      }
    }),
    Effect.catchAll(planRefusal(`what server ${request.server_id}'s interface needs`))
  )
