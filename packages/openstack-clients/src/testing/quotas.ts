/**
 * What the double's projects may use and use: Nova's `GET /limits` (instances, cores, RAM, key pairs)
 * and Neutron's `GET /v2.0/quotas/{project_id}/details`, counted the way the double's creates count
 * them when they refuse over quota (`novaServers.ts`, `neutronPorts.ts`, `neutronTopology.ts`). Cinder's
 * `GET /limits` is `cinderSnapshots.ts`'s. A project's limits are set with `CloudDouble.setQuota`.
 */
import { Effect } from "effect"
import { type Answer, type Ctx, ok, type Refusal, refuse } from "./http.js"

/** Nova's `GET /limits`: the absolute limits and what the caller's project uses (no key pairs used: Nova leaves it out). */
export const computeLimits = (ctx: Ctx): Effect.Effect<Answer, Refusal> => {
  const { state, caller } = ctx
  const quota = state.projects.get(caller.projectId)?.quota
  const own = [...state.servers.values()].filter((s) => s.projectId === caller.projectId)
  const used = (f: (s: (typeof own)[number]) => number) => own.reduce((sum, s) => sum + f(s), 0)
  return Effect.succeed(
    ok({
      limits: {
        rate: [],
        absolute: {
          maxTotalInstances: quota?.instances ?? -1,
          maxTotalCores: quota?.cores ?? -1,
          maxTotalRAMSize: quota?.ram ?? -1,
          maxTotalKeypairs: quota?.keyPairs ?? -1,
          maxServerMeta: 128,
          maxServerGroups: 10,
          maxServerGroupMembers: 10,
          totalInstancesUsed: own.length,
          totalCoresUsed: used((s) => s.flavor.vcpus),
          totalRAMUsed: used((s) => s.flavor.ram),
          totalServerGroupsUsed: 0
        }
      }
    })
  )
}

/**
 * Neutron's `GET /quotas/{project_id}/details`, for the caller's own project (another project's is
 * refused as Zed's policy refuses a member: 403).
 */
export const networkQuotaDetails = (ctx: Ctx, projectId: string): Effect.Effect<Answer, Refusal> => {
  const { state, caller } = ctx
  if (projectId !== caller.projectId) {
    return refuse("neutron", 403, "rule:get_quota is disallowed by policy", "PolicyNotAuthorized")
  }
  const quota = state.projects.get(projectId)?.quota
  const owned = (items: Iterable<{ readonly projectId: string }>) =>
    [...items].filter((item) => item.projectId === projectId).length
  const entry = (limit: number | undefined, used: number) => ({ limit: limit ?? -1, used, reserved: 0 })
  return Effect.succeed(
    ok({
      quota: {
        network: entry(quota?.networks, owned(state.networks.values())),
        subnet: entry(quota?.subnets, owned(state.subnets.values())),
        port: entry(quota?.ports, owned(state.ports.values())),
        router: entry(quota?.routers, owned(state.routers.values())),
        floatingip: entry(quota?.floatingIps, owned(state.floatingIps.values())),
        security_group: entry(50, owned(state.securityGroups.values())),
        security_group_rule: entry(500, 0),
        subnetpool: entry(-1, 0),
        rbac_policy: entry(10, 0)
      }
    })
  )
}
