import { Effect } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { AttachedFloatingIp, attachedFloatingIp } from "./attachedFloatingIp.js"
import type { DetachFloatingIpRequest } from "./request.js"

/**
 * Checks, before anything changes: the server is the caller's and ACTIVE or SHUTOFF, the floating IP is
 * on one of its ports; and whether Enamel made it for the server. Changes nothing.
 */
export const checkFloatingIp = CloudStage.make({
  name: "checkFloatingIp",
  result: AttachedFloatingIp,
  run: Effect.fn("ServerFloatingIpDetach.checkFloatingIp")(function* (request: DetachFloatingIpRequest) {
    return yield* attachedFloatingIp(request.server_id, request.floating_ip_id)
  })
})
