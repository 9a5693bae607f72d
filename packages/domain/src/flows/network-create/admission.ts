import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { checkQuotas, quotaRefusal } from "../cloud/quotas.js"
import { cloudUnavailable } from "../cloud/servers.js"
import { networkCreates, networkNeeds } from "./quotaNeeds.js"
import type { CreateNetworkRequest } from "./request.js"
import { resolveNetwork } from "./resolveRequest.js"

/**
 * With the caller's own token, before the 202: the external network resolves (404 when the one named
 * does not exist, 409 when it is not external or, none being named, the project sees none or several)
 * and the CIDR asked for overlaps no subnet of the project (409 naming it). The task's first stage
 * decides again, as the project may change in between.
 */
export const admitNetworkRequest = (request: CreateNetworkRequest) =>
  resolveNetwork(request).pipe(Effect.asVoid, Effect.catchAll(refused))

/**
 * `POST /networks?dry_run=true` (after the admission): the external network and CIDR it would use, what
 * it would make, and Neutron's quotas for them (409 `quota.exceeded` without room).
 */
export const planNetwork = (request: CreateNetworkRequest) =>
  Effect.gen(function* () {
    const resolved = yield* resolveNetwork(request).pipe(Effect.catchAll(refused))
    const check = yield* checkQuotas(networkNeeds).pipe(Effect.mapError(quotaRefusal))
    const planned: Planned = {
      resolved: {
        [`network:${resolved.external_network_name}`]: resolved.external_network_id,
        cidr: resolved.cidr
      },
      creates: networkCreates,
      deletes: {},
      quotas: check.quotas,
      quotas_unchecked: check.quotas_unchecked
    }
    return planned
  })

type ResolveNetworkError = Effect.Effect.Error<ReturnType<typeof resolveNetwork>>

const refused = (
  error: ResolveNetworkError
): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
  switch (error._tag) {
    case "ExternalNetworkNotFound":
      return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
    case "NetworkNotExternal":
    case "ExternalNetworkUnresolved":
    case "CidrOverlaps":
    case "NoFreeCidr":
      return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
    default:
      return Effect.fail(cloudUnavailable("what the network would be made of", error))
  }
}
