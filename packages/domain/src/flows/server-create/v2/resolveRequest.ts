import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import type { CreateServersRequestV2 } from "../request.js"
import { resolveNetwork } from "../resolveParts.js"
import { planRequest } from "../resolveRequest.js"
import { Plan } from "./plan.js"

/**
 * Version 2's: everything `planRequest` resolves (the image or the boot volume's snapshot, flavor,
 * volume type, networks, ports, security groups, external networks, keypair, Cinder's quota), every NIC
 * on a named network (`auto` is a network's name here) or an existing port.
 */
export const resolveRequest = CloudStage.make({
  name: "resolveRequest",
  result: Plan,
  run: Effect.fn("ServerCreate.v2.resolveRequest")(function* (request: CreateServersRequestV2) {
    const plan: Plan = yield* planRequest(request, resolveNetwork)
    return plan
  })
})
