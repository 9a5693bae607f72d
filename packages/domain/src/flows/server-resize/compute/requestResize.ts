import { Nova } from "@enamel/openstack-clients"
import { Effect } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { serverBusyRetry } from "../../cloud/schedules.js"
import { flavorNameOf, ResizePlan } from "../checkRequest.js"
import { resizeUnderWay, revertResize } from "./resizing.js"

/**
 * Changes: asks Nova to resize the server to the new flavor, waiting while the server is busy (Nova's
 * 409). A later attempt first reads the server: one Nova is resizing already, or that is on the new
 * flavor, is not asked again, so a server is never resized twice. Undo: reverts the resize
 * (`revertResize` once Nova has it in VERIFY_RESIZE) and waits until the server is back in its state on
 * its old flavor; a resize that was confirmed is kept.
 */
export const requestResize = CloudStage.make({
  name: "requestResize",
  result: ResizePlan,
  run: Effect.fn("ServerResize.requestResize")(function* (plan: ResizePlan, context: StageContext) {
    if (context.attempt > 1) {
      const server = yield* Nova.getServer(plan.server_id)
      if (resizeUnderWay(server) || flavorNameOf(server) === plan.flavor.name) return plan
    }
    yield* Nova.resizeServer(plan.server_id, plan.flavor.id).pipe(Effect.retry(serverBusyRetry))
    return plan
  }),
  compensate: (plan) => revertResize(plan)
})
