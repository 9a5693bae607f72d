import { Effect } from "effect"
import { requestSnapshotsDelete } from "../../cloud/backupSets.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { FoundBackup } from "../backupSet.js"

/**
 * Deletes: asks Cinder to delete every snapshot of the set, without waiting. Undo: none, a deletion
 * cannot be undone; a task failing later leaves the set partly deleted (asking again finishes the job).
 * A snapshot gone or being deleted already is left to it, so a re-run after a crash is harmless.
 */
export const deleteSnapshots = CloudStage.make({
  name: "deleteSnapshots",
  result: FoundBackup,
  run: Effect.fn("ServerBackupDelete.deleteSnapshots")(function* (found: FoundBackup) {
    yield* requestSnapshotsDelete(found.snapshot_ids)
    return found
  })
})
