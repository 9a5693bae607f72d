import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { checkedRequest } from "../checkRequest.js"
import { RebuildNotOffered } from "../errors.js"
import { RebuildPath, type RebuildRequest } from "../request.js"

/** Version 1's plan (frozen with it): the server, the image, its root, and where to leave it. */
export const RebuildPlan = Schema.Struct({
  server_id: Schema.String,
  image_id: Schema.String,
  boot_volume_id: Schema.String,
  path: RebuildPath,
  /** Where the rebuild is to leave the server: as it was, running or stopped. */
  status: Schema.Literal("ACTIVE", "SHUTOFF")
})
export type RebuildPlan = typeof RebuildPlan.Type

/**
 * Version 1's checks, before anything changes: the server is the caller's, ACTIVE or SHUTOFF, booted from
 * a volume; the image exists and is active; the keypair exists. Decides the path from the cloud's
 * versions, and fails when the cloud does not rebuild itself (version 1 has no rebuild by replacement).
 * Creates nothing.
 */
export const checkRequest = CloudStage.make({
  name: "checkRequest",
  result: RebuildPlan,
  run: Effect.fn("ServerRebuild.v1.checkRequest")(function* (request: RebuildRequest) {
    const { server, bootVolumeId, image, chosen } = yield* checkedRequest(request)
    if (chosen.path === "replace") {
      return yield* new RebuildNotOffered({ compute: chosen.compute, volume: chosen.volume })
    }
    const plan: RebuildPlan = {
      server_id: server.id,
      image_id: image.id,
      boot_volume_id: bootVolumeId,
      path: chosen.path,
      status: server.status === "SHUTOFF" ? "SHUTOFF" : "ACTIVE"
    }
    return plan
  })
})
