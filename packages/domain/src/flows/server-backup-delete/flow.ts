/**
 * `server.backup.delete` version 1: the flow behind `DELETE /servers/{id}/backups/{backup_id}`. Nothing
 * here creates, so nothing is undone: a failure leaves the set as far as the task got (asking again
 * finishes the job). Frozen once released: a change makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteSnapshots } from "./blockStorage/deleteSnapshots.js"
import { waitSnapshotsDeleted } from "./blockStorage/waitSnapshotsDeleted.js"
import { findBackup } from "./findBackup.js"
import { DeleteBackupRequest, DeleteBackupResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: DeleteBackupRequest,
  result: DeleteBackupResult,
  stages: { findBackup, deleteSnapshots, waitSnapshotsDeleted },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The server is the caller's and has the set: its snapshots.
      const found = yield* Flow.stage(findBackup, request)
      // 2. Delete them → wait until they are gone.
      yield* Flow.stage(deleteSnapshots, found)
      yield* Flow.stage(waitSnapshotsDeleted, found)
      return { backup_id: found.backup_id, snapshot_ids: found.snapshot_ids }
    })
})
