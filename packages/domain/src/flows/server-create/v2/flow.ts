/**
 * `server.create` version 2, as released: tasks accepted before version 3 resume by it, so its stage
 * paths, params and result schemas stay exactly as they are (frozen; see the package README). It boots
 * from the image or from a boot volume made from a snapshot (a restore); `network: "auto"` is a network
 * named "auto" there.
 */
import { Effect } from "effect"
import * as Flow from "../../../engine/flow/Flow.js"
import { buildServers, serverStages } from "../buildServers.js"
import { type } from "../flow.js"
import { CreateServersRequestV2 } from "../request.js"
import { CreateServersResult } from "../result.js"
import { resolveRequest } from "./resolveRequest.js"

export const flow = Flow.make({
  type,
  version: 2,
  params: CreateServersRequestV2,
  result: CreateServersResult,
  stages: { resolveRequest, ...serverStages },
  program: (request) =>
    Effect.gen(function* () {
      // 1. Everything the request names exists (a snapshot is the caller's, available and fits);
      //    nothing is created when something is missing.
      const plan = yield* Flow.stage(resolveRequest, request)
      // 2, 3. The keypair → each server from its boot volume (of the image or the snapshot) or image.
      return yield* buildServers(request, plan, plan.boot)
    })
})
