/**
 * `server.interface.detach` version 1: the flow behind `DELETE /servers/{id}/interfaces/{port_id}`.
 * Nothing here creates, so nothing is undone. Frozen once released: a change makes version 2 beside it
 * (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { checkInterface } from "./checkInterface.js"
import { detachInterface } from "./compute/detachInterface.js"
import { waitInterfaceDetached } from "./compute/waitInterfaceDetached.js"
import { deletePort } from "./network/deletePort.js"
import { letGoOfFloatingIps } from "./network/letGoOfFloatingIps.js"
import { DetachInterfaceRequest, DetachInterfaceResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: DetachInterfaceRequest,
  result: DetachInterfaceResult,
  stages: { checkInterface, letGoOfFloatingIps, detachInterface, waitInterfaceDetached, deletePort },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The port is attached to the caller's server; what of it Enamel made.
      const attached = yield* Flow.stage(checkInterface, request)
      // 2. Its floating IPs: Enamel's released, the user's taken off → detach it → wait until let go of.
      yield* Flow.stage(letGoOfFloatingIps, attached)
      yield* Flow.stage(detachInterface, attached)
      yield* Flow.stage(waitInterfaceDetached, attached)
      // 3. Only when Enamel made it for this server: delete it.
      if (attached.created) yield* Flow.stage(deletePort, attached.port_id)
      return {
        port_id: attached.port_id,
        deleted: attached.created,
        released_floating_ip_ids: attached.enamel_floating_ip_ids
      }
    })
})
