/**
 * `server.rebuild` version 1, as released: tasks accepted before version 2 resume by it (frozen; see the
 * package README). It rebuilds only on clouds that rebuild a volume-backed server themselves (Nova 2.93
 * with Cinder's reimage) and fails at `checkRequest` elsewhere; version 2 (`../flow.ts`) also rebuilds by
 * replacement.
 */
import { Effect } from "effect"
import * as Flow from "../../../engine/flow/Flow.js"
import { rebuildServer } from "../compute/rebuildServer.js"
import { waitServerRebuilt } from "../compute/waitServerRebuilt.js"
import { RebuildRequest, type RebuildResult, RebuildResult as Result, type } from "../request.js"
import { checkRequest } from "./checkRequest.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: RebuildRequest,
  result: Result,
  stages: { checkRequest, rebuildServer, waitServerRebuilt },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The server is the caller's, running or stopped, booted from a volume; the image and keypair
      //    exist; the cloud's versions say how it can be rebuilt.
      const plan = yield* Flow.stage(checkRequest, request)
      // 2. Nova rebuilds it from the image (Cinder reimages its root volume) → wait until it is back.
      const rebuilding = yield* Flow.stage(rebuildServer, {
        plan,
        keypair: request.keypair,
        userData: request.user_data
      })
      yield* Flow.stage(waitServerRebuilt, rebuilding)
      const result: RebuildResult = {
        server_id: plan.server_id,
        path: plan.path,
        boot_volume_id: plan.boot_volume_id
      }
      return result
    })
})
