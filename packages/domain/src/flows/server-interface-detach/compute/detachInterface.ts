import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { requestInterfaceDetach } from "../../cloud/interfaces.js"
import { AttachedPort } from "../attachedPort.js"

/**
 * Detaches: asks Nova to detach the port, waiting while the server is busy (Nova's 409 during another
 * interface attach or detach), without waiting for Neutron (`waitInterfaceDetached` does). Undo: none;
 * the user asked for it. A re-run after a crash is harmless: a port no longer attached is detached.
 */
export const detachInterface = CloudStage.make({
  name: "detachInterface",
  result: AttachedPort,
  run: Effect.fn("ServerInterfaceDetach.detachInterface")(function* (attached: AttachedPort) {
    yield* requestInterfaceDetach(attached.server_id, attached.port_id)
    return attached
  })
})
