import { Effect } from "effect"
import { waitSnapshotsGone } from "../../cloud/backupSets.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import { ExpiredBackups } from "./findExpiredBackups.js"

/** Waits until every snapshot of the expired sets is gone; `error_deleting` fails with Cinder's reason. */
export const waitBackupsDeleted = CloudStage.make({
  name: "waitBackupsDeleted",
  result: ExpiredBackups,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerBackup.waitBackupsDeleted")(function* (expired: ExpiredBackups) {
    yield* waitSnapshotsGone(expired.backups.flatMap((set) => set.snapshot_ids))
    return expired
  })
})
