import { HttpApiEndpoint } from "@effect/platform"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitNetworkRequest, planNetwork } from "./admission.js"
import { flow } from "./flow.js"
import { CreateNetworkRequest, type } from "./request.js"

/** `POST /networks` → `network.create`. */
export const command = Command.make({
  type,
  description:
    "Creates a network with one subnet (the CIDR given, or the first free /24 of 10.0.0.0/8), a router with " +
    "its gateway on the external network, and the subnet's interface on the router; undoes all of it when " +
    "any part fails.",
  endpoint: HttpApiEndpoint.post("createNetwork", "/networks")
    .setPayload(CreateNetworkRequest)
    .addError(Answers.notFound(ErrorCode.networkExternalNotFound))
    .addError(
      Answers.conflict(
        ErrorCode.networkNotExternal,
        ErrorCode.networkExternalUnresolved,
        ErrorCode.networkCidrOverlaps,
        ErrorCode.networkNoFreeCidr
      )
    ),
  concurrency: 4,
  flow,
  // With the caller's own token, before the 202: the external network and the CIDR (404/409).
  admission: admitNetworkRequest,
  // `?dry_run=true`: the external network and CIDR, what would be made, Neutron's quotas for it.
  plan: planNetwork
})
