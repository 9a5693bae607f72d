/**
 * `server.delete` version 4, the one new tasks get: the flow behind `DELETE /servers/{id}`. Finds the
 * server and everything Enamel made for it (as version 3), then its backup sets as Cinder has them now:
 * with `delete_backups` (`?delete_backups=true`) their snapshots are deleted first and waited for until
 * gone, since they would stop Cinder deleting the volumes; without it a server with backups is refused
 * (`server.has_backups`) before anything is deleted. Then version 3's deletions. Nothing here can be
 * undone, so no stage has an undo. Frozen once released: a change makes version 5 beside it (see the
 * package README). Versions 1–3: `v1/`, `v2/`, `v3/`.
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteSnapshots } from "../server-backup-delete/blockStorage/deleteSnapshots.js"
import { waitSnapshotsDeleted } from "../server-backup-delete/blockStorage/waitSnapshotsDeleted.js"
import { findBackupSets } from "./findBackupSets.js"
import { findOwnedResources } from "./findOwnedResources.js"
import { removeFound, removeFoundStages } from "./removeFound.js"
import { DeleteServerWithBackupsRequest, DeleteServerWithBackupsResult, type } from "./request.js"

/** How many backup sets are deleted at once (each set's snapshots all at once). */
const backupConcurrency = 4

export const flow = Flow.make({
  type,
  version: 4,
  params: DeleteServerWithBackupsRequest,
  result: DeleteServerWithBackupsResult,
  stages: {
    findOwnedResources,
    findBackupSets,
    "backup[]/deleteSnapshots": deleteSnapshots,
    "backup[]/waitSnapshotsDeleted": waitSnapshotsDeleted,
    ...removeFoundStages
  },
  program: ({ server_id, delete_backups }) =>
    Effect.gen(function* () {
      // 1. The server, and what Enamel made for it over its life (found by the marks it left on them).
      const found = yield* Flow.stage(findOwnedResources, server_id)
      // 2. Its backup sets now (refused without delete_backups); each: delete its snapshots → wait.
      const backups = yield* Flow.stage(findBackupSets, {
        server_id: found.server_id,
        delete_backups: delete_backups === true
      })
      yield* Flow.forEach(
        "backup",
        backups,
        (set) => Flow.stage(deleteSnapshots, set).pipe(Effect.andThen(Flow.stage(waitSnapshotsDeleted, set))),
        { concurrency: backupConcurrency }
      )
      // 3. Its floating IPs and the server; 4. its ports and volumes.
      yield* removeFound(found)
      return { ...found, backup_ids: backups.map((set) => set.backup_id) }
    })
})
