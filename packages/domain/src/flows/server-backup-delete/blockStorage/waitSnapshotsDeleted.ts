import { Effect } from "effect"
import { waitSnapshotsGone } from "../../cloud/backupSets.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import { FoundBackup } from "../backupSet.js"

/** Waits until every snapshot of the set is gone; `error_deleting` fails with Cinder's reason. Creates nothing. */
export const waitSnapshotsDeleted = CloudStage.make({
  name: "waitSnapshotsDeleted",
  result: FoundBackup,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerBackupDelete.waitSnapshotsDeleted")(function* (found: FoundBackup) {
    yield* waitSnapshotsGone(found.snapshot_ids)
    return found
  })
})
