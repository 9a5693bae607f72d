/**
 * `server.floating_ip.detach` version 1: the flow behind `DELETE /servers/{id}/floating-ips/{id}`.
 * Nothing here creates, so nothing is undone. Frozen once released: a change makes version 2 beside it
 * (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { checkFloatingIp } from "./checkFloatingIp.js"
import { disassociateFloatingIp } from "./network/disassociateFloatingIp.js"
import { releaseFloatingIp } from "./network/releaseFloatingIp.js"
import { DetachFloatingIpRequest, DetachFloatingIpResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: DetachFloatingIpRequest,
  result: DetachFloatingIpResult,
  stages: { checkFloatingIp, disassociateFloatingIp, releaseFloatingIp },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The floating IP is on a port of the caller's server.
      const attached = yield* Flow.stage(checkFloatingIp, request)
      // 2. Take it off the port → only when Enamel made it for this server: release it.
      yield* Flow.stage(disassociateFloatingIp, attached)
      if (attached.created) yield* Flow.stage(releaseFloatingIp, attached.floating_ip_id)
      return { floating_ip_id: attached.floating_ip_id, deleted: attached.created }
    })
})
