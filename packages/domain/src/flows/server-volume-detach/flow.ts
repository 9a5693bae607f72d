/**
 * `server.volume.detach` version 1: the flow behind `DELETE /servers/{id}/volumes/{volume_id}`. Nothing
 * here creates, so nothing is undone: a failure leaves the volume as far as the task got (asking again
 * finishes the job). Frozen once released: a change makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteVolume } from "./blockStorage/deleteVolume.js"
import { waitVolumeDeleted } from "./blockStorage/waitVolumeDeleted.js"
import { waitVolumeDetached } from "./blockStorage/waitVolumeDetached.js"
import { checkAttachment } from "./checkAttachment.js"
import { detachVolume } from "./compute/detachVolume.js"
import { DetachVolumeRequest, DetachVolumeResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: DetachVolumeRequest,
  result: DetachVolumeResult,
  stages: { checkAttachment, detachVolume, waitVolumeDetached, deleteVolume, waitVolumeDeleted },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The volume is attached to the caller's server, and is not its boot volume.
      const attached = yield* Flow.stage(checkAttachment, request)
      // 2. Detach it → wait until Cinder lets go of it.
      yield* Flow.stage(detachVolume, attached)
      yield* Flow.stage(waitVolumeDetached, attached)
      // 3. Only when Enamel made it for this server: delete it → wait until it is gone.
      if (attached.created) {
        yield* Flow.stage(deleteVolume, attached.volume_id)
        yield* Flow.stage(waitVolumeDeleted, attached.volume_id)
      }
      return { volume_id: attached.volume_id, deleted: attached.created }
    })
})
