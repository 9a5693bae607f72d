import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { removePort } from "../../cloud/remove.js"

/**
 * Deletes: the port Enamel made for the server (the flow never runs it for one the user brought). Undo:
 * none, a deletion cannot be undone; a port already gone is left gone.
 */
export const deletePort = CloudStage.make({
  name: "deletePort",
  result: Schema.String,
  run: Effect.fn("ServerInterfaceDetach.deletePort")(function* (portId: string) {
    yield* removePort(portId)
    return portId
  })
})
