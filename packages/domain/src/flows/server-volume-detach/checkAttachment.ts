import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { attachedVolume } from "./attachedVolume.js"
import type { DetachVolumeRequest } from "./request.js"

export const AttachedVolume = Schema.Struct({
  server_id: Schema.String,
  volume_id: Schema.String,
  /** Enamel made it for this server: detaching deletes it. */
  created: Schema.Boolean
})
export type AttachedVolume = typeof AttachedVolume.Type

/**
 * Checks, before anything changes: the server is the caller's and ACTIVE or SHUTOFF, the volume is
 * attached to it and is not its boot volume; and whether Enamel made the volume for it. Changes nothing.
 */
export const checkAttachment = CloudStage.make({
  name: "checkAttachment",
  result: AttachedVolume,
  run: Effect.fn("ServerVolumeDetach.checkAttachment")(function* (request: DetachVolumeRequest) {
    const found: AttachedVolume = yield* attachedVolume(request.server_id, request.volume_id)
    return found
  })
})
