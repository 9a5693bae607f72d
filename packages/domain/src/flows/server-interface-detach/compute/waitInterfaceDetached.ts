import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitInterfaceDetached as waitUnbound } from "../../cloud/interfaces.js"
import { waitRetry } from "../../cloud/schedules.js"
import { AttachedPort } from "../attachedPort.js"

/** Waits until Neutron shows the port no longer bound to the server. Creates nothing. */
export const waitInterfaceDetached = CloudStage.make({
  name: "waitInterfaceDetached",
  result: AttachedPort,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerInterfaceDetach.waitInterfaceDetached")(function* (attached: AttachedPort) {
    yield* waitUnbound(attached.server_id, attached.port_id)
    return attached
  })
})
