/**
 * `POST /servers?dry_run=true`: the plan the task's first stage would make (every name resolved, the
 * boot volumes' and all other quotas checked), answered instead of run. Nothing is created.
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { Conflict } from "../../contract/errors.js"
import type { VolumeOverQuota } from "../cloud/limits.js"
import { QuotaExceeded, quotaRefusal } from "../cloud/quotas.js"
import type { ResolveError } from "./errors.js"
import type { Plan } from "./plan.js"
import { checkServerQuotas, serverCreates } from "./quotaNeeds.js"
import type { CreateServersRequest } from "./request.js"
import { resolveNetworkOrDefault } from "./resolveParts.js"
import { planRequest } from "./resolveRequest.js"

/** The request's names (`kind:name`) with the ids the plan found for them. */
const resolvedNames = (request: CreateServersRequest, plan: Plan): Record<string, string> => {
  const resolved: Record<string, string> = {}
  if (request.image !== undefined && plan.boot._tag === "image")
    resolved[`image:${request.image}`] = plan.boot.image_id
  if (request.image !== undefined && plan.boot._tag === "volume" && plan.boot.source._tag === "image") {
    resolved[`image:${request.image}`] = plan.boot.source.image_id
  }
  resolved[`flavor:${request.flavor}`] = plan.flavor_id
  const volumeType = request.boot_volume?.volume_type
  if (volumeType !== undefined && plan.boot._tag === "volume" && plan.boot.volume_type_id !== undefined) {
    resolved[`volume_type:${volumeType}`] = plan.boot.volume_type_id
  }
  request.networks.forEach((asked, index) => {
    const nic = plan.networks[index]
    if (nic === undefined) return
    if (asked.network !== undefined && "network_id" in nic)
      resolved[`network:${asked.network}`] = nic.network_id
    if (asked.floating_ip !== undefined && nic.floating_network_id !== undefined) {
      resolved[`network:${asked.floating_ip.network}`] = nic.floating_network_id
    }
  })
  if (plan.keypair !== undefined && !plan.keypair.imports)
    resolved[`keypair:${plan.keypair.name}`] = plan.keypair.name
  return resolved
}

/** A refusal for the dry run: an unresolved name is a 409, as is a quota without room. */
const refusal = (error: ResolveError | VolumeOverQuota | QuotaExceeded) => {
  switch (error._tag) {
    case "UnresolvedRequest":
      return new Conflict({ code: error.code, detail: error.message })
    case "VolumeOverQuota":
      return quotaRefusal(
        new QuotaExceeded({
          exceeded: [
            {
              service: "volume",
              quota: error.quota,
              limit: error.limit,
              used: error.used,
              needed: error.needed
            }
          ]
        })
      )
    default:
      return quotaRefusal(error)
  }
}

export const planServers = (request: CreateServersRequest) =>
  Effect.gen(function* () {
    const plan: Plan = yield* planRequest(request, resolveNetworkOrDefault)
    const { needs, check } = yield* checkServerQuotas(request, plan, { volumes: true })
    const planned: Planned = {
      resolved: resolvedNames(request, plan),
      creates: serverCreates(needs),
      deletes: {},
      quotas: check.quotas,
      quotas_unchecked: check.quotas_unchecked
    }
    return planned
  }).pipe(Effect.mapError(refusal))
