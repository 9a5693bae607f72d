import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { requestVolumeDelete } from "../../cloud/remove.js"

export const OldBootVolume = Schema.Struct({
  volume_id: Schema.String,
  /** Kept, because snapshots (the server's backups) depend on it. */
  kept: Schema.Boolean
})

/**
 * Deletes: the old root, now that the new server is ACTIVE, unless it has snapshots (the server's
 * backups, which depend on it in Cinder and are meant to outlive the rebuild): then it is kept, and the
 * result says so. Asks Cinder and does not wait (Cinder finishes alone; asking again is harmless). Undo:
 * none, and none is needed: it is the last stage, and the old root is what every undo before it needs.
 */
export const deleteOldBootVolume = CloudStage.make({
  name: "deleteOldBootVolume",
  result: OldBootVolume,
  run: Effect.fn("ServerRebuild.deleteOldBootVolume")(function* (volumeId: string) {
    const snapshots = yield* Cinder.listSnapshots({ volumeId })
    if (snapshots.length > 0) return { volume_id: volumeId, kept: true }
    yield* requestVolumeDelete(volumeId)
    return { volume_id: volumeId, kept: false }
  })
})
