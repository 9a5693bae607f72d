/**
 * `server.volume.attach` version 2: the flow behind `POST /servers/{id}/volumes`. Its params take a
 * snapshot without `size_gb` (the volume is then the snapshot's size); its stages are version 1's.
 * Frozen once released: a change makes version 3 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createVolume } from "./blockStorage/createVolume.js"
import { waitVolumeAvailable } from "./blockStorage/waitVolumeAvailable.js"
import { checkRequest } from "./checkRequest.js"
import { attachVolume } from "./compute/attachVolume.js"
import { waitVolumeAttached } from "./compute/waitVolumeAttached.js"
import { AttachVolumeRequest, AttachVolumeResult, type } from "./request.js"

/** The checklist, the same in every version. */
export const stages = { checkRequest, createVolume, waitVolumeAvailable, attachVolume, waitVolumeAttached }

export const program = (request: AttachVolumeRequest) =>
  Effect.gen(function* () {
    // 1. The server is the caller's and running or stopped; what the request names exists.
    const plan = yield* Flow.stage(checkRequest, request)
    // 2. The volume: the user's own as it is, or a new one → wait until available.
    const wanted = plan.volume
    const volumeId =
      wanted._tag === "existing"
        ? wanted.id
        : yield* Flow.stage(createVolume, { serverId: plan.server_id, volume: wanted }).pipe(
            Effect.tap((volume) => Flow.stage(waitVolumeAvailable, volume)),
            Effect.map((volume) => volume.id)
          )
    // 3. Attach it → wait until in use on the server.
    const attachment = yield* Flow.stage(attachVolume, { serverId: plan.server_id, volumeId })
    const inUse = yield* Flow.stage(waitVolumeAttached, attachment)
    return {
      volume_id: volumeId,
      device: inUse.device ?? attachment.device,
      created: wanted._tag === "new"
    }
  })

export const flow = Flow.make({
  type,
  version: 2,
  params: AttachVolumeRequest,
  result: AttachVolumeResult,
  stages,
  program
})
