import { Effect } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { AttachedPort, attachedPort } from "./attachedPort.js"
import type { DetachInterfaceRequest } from "./request.js"

/**
 * Checks, before anything changes: the server is the caller's and ACTIVE or SHUTOFF, the port is
 * attached to it; and what of it and its floating IPs Enamel made for the server. Changes nothing.
 */
export const checkInterface = CloudStage.make({
  name: "checkInterface",
  result: AttachedPort,
  run: Effect.fn("ServerInterfaceDetach.checkInterface")(function* (request: DetachInterfaceRequest) {
    return yield* attachedPort(request.server_id, request.port_id)
  })
})
