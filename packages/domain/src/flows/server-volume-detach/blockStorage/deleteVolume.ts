import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { requestVolumeDelete } from "../../cloud/remove.js"

/**
 * Deletes: asks Cinder to delete the volume Enamel made for the server (only that: the flow never runs it
 * for a volume the user brought), without waiting. Undo: none, a deletion cannot be undone. A volume
 * already gone or being deleted is left to it, so a re-run after a crash is harmless.
 */
export const deleteVolume = CloudStage.make({
  name: "deleteVolume",
  result: Schema.String,
  run: Effect.fn("ServerVolumeDetach.deleteVolume")(function* (volumeId: string) {
    yield* requestVolumeDelete(volumeId)
    return volumeId
  })
})
