import { Cinder } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { metadataMarks, tokenKey } from "../../cloud/marks.js"
import { removeVolume } from "../../cloud/remove.js"
import type { BootVolumeSource } from "../plan.js"

export interface BootVolumeInput {
  readonly serverName: string
  readonly source: BootVolumeSource
  readonly sizeGb: number
  readonly volumeTypeId: string | undefined
}

export const CreatedVolume = Schema.Struct({ id: Schema.String })
export type CreatedVolume = typeof CreatedVolume.Type

/**
 * Creates: a bootable volume from the image, or from a snapshot (a restore), marked with the stage's
 * token (Cinder). Undo: deletes it.
 */
export const createBootVolume = CloudStage.make({
  name: "createBootVolume",
  result: CreatedVolume,
  run: Effect.fn("ServerCreate.createBootVolume")(function* (input: BootVolumeInput, context: StageContext) {
    const token = context.idempotencyToken
    const volume = yield* adoptOrCreate(
      context,
      Effect.map(Cinder.listVolumes({ metadata: { [tokenKey]: token } }), Arr.head),
      Cinder.createVolume({
        size: input.sizeGb,
        name: `${input.serverName}-boot`,
        ...(input.source._tag === "image"
          ? { imageId: input.source.image_id }
          : { snapshotId: input.source.snapshot_id }),
        ...(input.volumeTypeId === undefined ? {} : { volumeType: input.volumeTypeId }),
        metadata: metadataMarks(context.taskId, token)
      })
    )
    return { id: volume.id }
  }),
  // Waits for the volume to be deletable: still being created, or attached to a server Nova is deleting.
  compensate: (volume) => removeVolume(volume.id)
})
