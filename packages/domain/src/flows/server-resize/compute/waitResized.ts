import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import type { ResizePlan } from "../checkRequest.js"
import { waitSettled } from "./resizing.js"

/**
 * Waits until the confirmed server is back in the state it had (ACTIVE or SHUTOFF) on the new flavor; a
 * server in ERROR fails. Changes nothing.
 */
export const waitResized = CloudStage.make({
  name: "waitResized",
  result: Schema.Struct({ status: Schema.String }),
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerResize.waitResized")(function* (plan: ResizePlan) {
    const server = yield* waitSettled(plan, plan.flavor.name)
    return { status: server.status }
  })
})
