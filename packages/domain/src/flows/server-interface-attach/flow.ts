/**
 * `server.interface.attach` version 1: the flow behind `POST /servers/{id}/interfaces`. Frozen once
 * released: a change makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createFloatingIp } from "../cloud/createAttachedFloatingIp.js"
import { checkRequest } from "./checkRequest.js"
import { attachInterface } from "./compute/attachInterface.js"
import { createPort } from "./network/createPort.js"
import { AttachInterfaceRequest, AttachInterfaceResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: AttachInterfaceRequest,
  result: AttachInterfaceResult,
  stages: { checkRequest, createPort, attachInterface, createFloatingIp },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The server is the caller's and running or stopped; what the request names exists.
      const plan = yield* Flow.stage(checkRequest, request)
      // 2. The port: the user's own as it is, or a new one.
      const wanted = plan.port
      const portId =
        wanted._tag === "existing"
          ? wanted.id
          : (yield* Flow.stage(createPort, { serverId: plan.server_id, port: wanted })).id
      // 3. Attach it → a floating IP on it, when asked.
      const attached = yield* Flow.stage(attachInterface, { serverId: plan.server_id, portId })
      const networkId = plan.floating_network_id
      const floating =
        networkId === undefined
          ? undefined
          : yield* Flow.stage(createFloatingIp, {
              server_id: plan.server_id,
              port_id: portId,
              network_id: networkId
            })
      return {
        port_id: portId,
        fixed_ips: attached.fixed_ips,
        floating_ip:
          floating === undefined ? undefined : { id: floating.floating_ip_id, address: floating.address },
        created: wanted._tag === "new"
      }
    })
})
