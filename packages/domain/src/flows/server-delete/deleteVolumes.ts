import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { requestVolumeDelete } from "../cloud/remove.js"

/**
 * Deletes: asks Cinder to delete the boot volume Enamel made for the server, now deletable, whatever its
 * delete_on_termination (that setting is about Nova's own delete; this porcelain delete removes what was
 * made for the server); does not wait (`waitVolumesDeleted` does). Undo: none, a deletion cannot be
 * undone. A volume already gone or being deleted is left to it, so a re-run after a crash is harmless.
 */
export const deleteVolumes = CloudStage.make({
  name: "deleteVolumes",
  result: Schema.Array(Schema.String),
  run: Effect.fn("ServerDelete.deleteVolumes")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, requestVolumeDelete, { concurrency: "unbounded", discard: true })
    return ids
  })
})
