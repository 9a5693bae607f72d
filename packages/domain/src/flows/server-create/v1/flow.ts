/**
 * `server.create` version 1, as released: tasks accepted before version 2 resume by it, so its stage
 * paths, params and result schemas stay exactly as they are (frozen; see the package README). It boots
 * from the image, or from a boot volume made from the image.
 */
import { Effect } from "effect"
import * as Flow from "../../../engine/flow/Flow.js"
import { buildServers, serverStages } from "../buildServers.js"
import { type } from "../flow.js"
import type { Boot } from "../plan.js"
import { CreateServersRequestV1 } from "../request.js"
import { CreateServersResult } from "../result.js"
import type { Plan } from "./plan.js"
import { resolveRequest } from "./resolveRequest.js"

/** Version 1's boot, in the terms the shared stages take: the image, or a volume made from it. */
const bootOf = (request: CreateServersRequestV1, plan: Plan): Boot => {
  const asked = request.boot_volume
  return asked === undefined
    ? { _tag: "image", image_id: plan.image_id }
    : {
        _tag: "volume",
        source: { _tag: "image", image_id: plan.image_id },
        size_gb: asked.size_gb,
        volume_type_id: plan.volume_type_id,
        delete_on_termination: asked.delete_on_termination
      }
}

export const flow = Flow.make({
  type,
  version: 1,
  params: CreateServersRequestV1,
  result: CreateServersResult,
  stages: { resolveRequest, ...serverStages },
  program: (request) =>
    Effect.gen(function* () {
      // 1. Everything the request names exists; nothing is created when something is missing.
      const plan = yield* Flow.stage(resolveRequest, request)
      // 2, 3. The keypair → each server from its boot volume or image.
      return yield* buildServers(request, plan, bootOf(request, plan))
    })
})
