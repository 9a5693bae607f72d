/**
 * How the resize stages read where a server's resize stands, and how a resize is reverted (the undo of
 * `requestResize`). Nova's 409 while the server is busy is waited out with `serverBusyRetry`.
 */
import { Nova, type Server } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { serverBusyRetry } from "../../cloud/schedules.js"
import { flavorNameOf, type ResizePlan } from "../checkRequest.js"

/** Whether the server is settled (no task state) in `state` on the flavor named `flavor`. */
export const settledOn = (server: Server, state: string, flavor: string) =>
  server.status === state && server.taskState === null && flavorNameOf(server) === flavor

/** Whether Nova is resizing the server or has it awaiting its confirm or revert. */
export const resizeUnderWay = (server: Server) =>
  server.status === "RESIZE" || server.status === "VERIFY_RESIZE" || server.status === "REVERT_RESIZE"

/** Waits until the server is in the plan's state on `flavor`. */
export const waitSettled = (plan: ResizePlan, flavor: string) =>
  Nova.waitForServer(plan.server_id, {
    target: `${plan.state} on ${flavor}`,
    done: (server) => settledOn(server, plan.state, flavor)
  })

/**
 * Reverts the resize: a resize still under way is let reach VERIFY_RESIZE (or fail back) first; then
 * `revertResize`, and a wait until the server is back in its state on its old flavor. Nothing to do when
 * the server is gone, was never resized, or its resize was confirmed (Nova then answers 400 "Instance has
 * not been resized", and the resize is kept: a confirmed resize cannot be reverted).
 */
export const revertResize = Effect.fn("ServerResize.revertResize")(function* (plan: ResizePlan) {
  const seen = yield* Nova.getServer(plan.server_id).pipe(Effect.option)
  if (seen._tag === "None") return
  const server = yield* Nova.waitForServer(plan.server_id, {
    target: `VERIFY_RESIZE, or ${plan.state}`,
    done: (s) => s.taskState === null && (s.status === "VERIFY_RESIZE" || s.status === plan.state)
  })
  if (server.status !== "VERIFY_RESIZE") return
  const asked = yield* Nova.revertResize(plan.server_id).pipe(
    Effect.retry(serverBusyRetry),
    Effect.as(true),
    Effect.catchTag("OpenStackBadRequest", () => Effect.succeed(false))
  )
  if (asked) yield* waitSettled(plan, plan.previous_flavor.name)
})
