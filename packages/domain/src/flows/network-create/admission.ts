import { Effect } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { cloudUnavailable } from "../cloud/servers.js"
import type { CreateNetworkRequest } from "./request.js"
import { resolveNetwork } from "./resolveRequest.js"

/**
 * With the caller's own token, before the 202: the external network resolves (404 when the one named
 * does not exist, 409 when it is not external or, none being named, the project sees none or several)
 * and the CIDR asked for overlaps no subnet of the project (409 naming it). The task's first stage
 * decides again, as the project may change in between.
 */
export const admitNetworkRequest = (request: CreateNetworkRequest) =>
  resolveNetwork(request).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
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
    })
  )
