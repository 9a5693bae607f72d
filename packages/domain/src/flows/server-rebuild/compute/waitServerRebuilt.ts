import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import type { Rebuilding } from "./rebuildServer.js"

/**
 * Waits until Nova has rebuilt the server: no task state, ACTIVE (or SHUTOFF, for a server that was
 * stopped); ERROR fails with Nova's fault.
 */
export const waitServerRebuilt = CloudStage.make({
  name: "waitServerRebuilt",
  result: Schema.Struct({ status: Schema.String }),
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerRebuild.waitServerRebuilt")(function* (rebuilt: Rebuilding) {
    const seen = yield* Nova.waitForServerRebuilt(rebuilt.server_id)
    return { status: seen._tag === "Some" ? seen.value.status : "unknown" }
  })
})
