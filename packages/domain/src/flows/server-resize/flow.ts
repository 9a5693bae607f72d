/**
 * `server.resize` version 1: the flow behind `POST /servers/{id}/resize`. Frozen once released: a change
 * makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { checkRequest } from "./checkRequest.js"
import { confirmResize } from "./compute/confirmResize.js"
import { requestResize } from "./compute/requestResize.js"
import { waitResized } from "./compute/waitResized.js"
import { waitResizeVerify } from "./compute/waitResizeVerify.js"
import { ResizeServerRequest, ResizeServerResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: ResizeServerRequest,
  result: ResizeServerResult,
  stages: { checkRequest, requestResize, waitResizeVerify, confirmResize, waitResized },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The server is the caller's and running or stopped; the flavor exists and is another one.
      const plan = yield* Flow.stage(checkRequest, request)
      // 2. Resize → wait until Nova awaits the confirm (a failure or a cancel up to here reverts).
      yield* Flow.stage(requestResize, plan)
      yield* Flow.stage(waitResizeVerify, plan)
      // 3. Confirm → wait until the server is back in its state, on the new flavor.
      yield* Flow.stage(confirmResize, plan)
      yield* Flow.stage(waitResized, plan)
      return { server_id: plan.server_id, flavor: plan.flavor, previous_flavor: plan.previous_flavor }
    })
})
