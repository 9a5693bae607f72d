import { Effect } from "effect"
import { requestSnapshotsDelete } from "../../cloud/backupSets.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { ExpiredBackups } from "./findExpiredBackups.js"

/**
 * Deletes: asks Cinder to delete every snapshot of the expired sets, without waiting. Undo: none, a
 * deletion cannot be undone (a task failing later still deletes its own new set, and leaves these
 * deleted). A snapshot gone or being deleted already is left to it, so a re-run after a crash is harmless.
 */
export const rotateBackups = CloudStage.make({
  name: "rotateBackups",
  result: ExpiredBackups,
  run: Effect.fn("ServerBackup.rotateBackups")(function* (expired: ExpiredBackups) {
    yield* requestSnapshotsDelete(expired.backups.flatMap((set) => set.snapshot_ids))
    return expired
  })
})
