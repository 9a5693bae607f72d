import { Cinder } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { attachedMetadataMarks, tokenKey } from "../../cloud/marks.js"
import { removeVolume } from "../../cloud/remove.js"
import type { NewVolume } from "../checkRequest.js"

export interface NewVolumeInput {
  readonly serverId: string
  readonly volume: NewVolume
}

export const CreatedVolume = Schema.Struct({ id: Schema.String })
export type CreatedVolume = typeof CreatedVolume.Type

/**
 * Creates: the volume (empty, or from the image or the snapshot), marked with the task, the stage's token
 * and the server it is for (`server.delete` finds it by that). Undo: deletes it, once Cinder allows.
 */
export const createVolume = CloudStage.make({
  name: "createVolume",
  result: CreatedVolume,
  run: Effect.fn("ServerVolumeAttach.createVolume")(function* (input: NewVolumeInput, context: StageContext) {
    const token = context.idempotencyToken
    const { volume } = input
    const made = yield* adoptOrCreate(
      context,
      Effect.map(Cinder.listVolumes({ metadata: { [tokenKey]: token } }), Arr.head),
      Cinder.createVolume({
        size: volume.size_gb,
        name: volume.name,
        ...(volume.image_id === undefined ? {} : { imageId: volume.image_id }),
        ...(volume.snapshot_id === undefined ? {} : { snapshotId: volume.snapshot_id }),
        ...(volume.volume_type_id === undefined ? {} : { volumeType: volume.volume_type_id }),
        metadata: attachedMetadataMarks(context.taskId, token, input.serverId)
      })
    )
    return { id: made.id }
  }),
  compensate: (volume) => removeVolume(volume.id)
})
