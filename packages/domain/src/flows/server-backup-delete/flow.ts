/**
 * `server.backup.delete` version 2: the flow behind `DELETE /servers/{id}/backups/{backup_id}`. As
 * version 1 (`v1/flow.ts`), with params that carry the set the admission found (`DeleteBackupParams`),
 * which `findBackup` uses while fresh instead of reading it again. Nothing here creates, so nothing is
 * undone: a failure leaves the set as far as the task got (asking again finishes the job). Frozen once
 * released: a change makes version 3 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteSnapshots } from "./blockStorage/deleteSnapshots.js"
import { waitSnapshotsDeleted } from "./blockStorage/waitSnapshotsDeleted.js"
import { findBackup } from "./findBackup.js"
import { DeleteBackupParams, DeleteBackupResult, type } from "./request.js"

/** The stages, the same in versions 1 and 2. */
export const stages = { findBackup, deleteSnapshots, waitSnapshotsDeleted }

/** The checklist, the same in versions 1 and 2 (version 1's params never carry `admitted`). */
export const program = (request: DeleteBackupParams) =>
  Effect.gen(function* () {
    // 1. The server is the caller's and has the set: its snapshots.
    const found = yield* Flow.stage(findBackup, request)
    // 2. Delete them → wait until they are gone.
    yield* Flow.stage(deleteSnapshots, found)
    yield* Flow.stage(waitSnapshotsDeleted, found)
    return { backup_id: found.backup_id, snapshot_ids: found.snapshot_ids }
  })

export const flow = Flow.make({
  type,
  version: 2,
  params: DeleteBackupParams,
  result: DeleteBackupResult,
  stages,
  program
})
