import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import type { ResizePlan } from "../checkRequest.js"
import { settledOn } from "./resizing.js"

/**
 * Waits until Nova has resized the server and awaits the confirm (VERIFY_RESIZE). A resize Nova gave up
 * (the server back in its state on its old flavor, with Nova's fault) or a server in ERROR fails. Changes
 * nothing; `requestResize`'s undo reverts.
 */
export const waitResizeVerify = CloudStage.make({
  name: "waitResizeVerify",
  result: Schema.Struct({ status: Schema.String }),
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerResize.waitResizeVerify")(function* (plan: ResizePlan) {
    const server = yield* Nova.waitForServer(plan.server_id, {
      target: "VERIFY_RESIZE",
      done: (s) => s.status === "VERIFY_RESIZE" && s.taskState === null,
      failed: (s) =>
        settledOn(s, plan.state, plan.previous_flavor.name)
          ? `Nova did not resize the server to ${plan.flavor.name}; it is ${plan.state} on ${plan.previous_flavor.name}`
          : undefined
    })
    return { status: server.status }
  })
})
