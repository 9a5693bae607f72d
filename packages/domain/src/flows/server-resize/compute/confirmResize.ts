import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { serverBusyRetry } from "../../cloud/schedules.js"
import type { ResizePlan } from "../checkRequest.js"

/**
 * Changes: confirms the resize (Nova keeps the new flavor and lets go of the old one), waiting while the
 * server is busy (Nova's 409). A later attempt first reads the server: one no longer in VERIFY_RESIZE,
 * or whose confirm Nova has already (its 400 "has not been resized"), is not confirmed again. Undo: none;
 * a confirmed resize cannot be reverted, and `requestResize`'s undo keeps it.
 */
export const confirmResize = CloudStage.make({
  name: "confirmResize",
  result: Schema.Struct({ confirmed: Schema.Boolean }),
  run: Effect.fn("ServerResize.confirmResize")(function* (plan: ResizePlan, context: StageContext) {
    const confirm = Nova.confirmResize(plan.server_id).pipe(Effect.retry(serverBusyRetry))
    if (context.attempt === 1) {
      yield* confirm
      return { confirmed: true }
    }
    const server = yield* Nova.getServer(plan.server_id)
    if (server.status !== "VERIFY_RESIZE") return { confirmed: true }
    yield* confirm.pipe(Effect.catchTag("OpenStackBadRequest", () => Effect.void))
    return { confirmed: true }
  })
})
