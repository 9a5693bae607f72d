import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { removeFloatingIp } from "../../cloud/remove.js"

/**
 * Deletes: releases the floating IP Enamel made for the server (the flow never runs it for one the user
 * brought). Undo: none, a release cannot be undone; one already gone is left gone.
 */
export const releaseFloatingIp = CloudStage.make({
  name: "releaseFloatingIp",
  result: Schema.String,
  run: Effect.fn("ServerFloatingIpDetach.releaseFloatingIp")(function* (floatingIpId: string) {
    yield* removeFloatingIp(floatingIpId)
    return floatingIpId
  })
})
