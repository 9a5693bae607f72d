import { Effect, Schema } from "effect"
import { listBackupSets } from "../cloud/backupSets.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { FoundBackup } from "../server-backup-delete/backupSet.js"
import { ServerHasBackups } from "./errors.js"

/**
 * Creates: nothing (it only reads). Undo: none.
 * Finds the server's backup sets as Cinder has them now, at run time, so that a backup taken after the
 * request was accepted is found too. Without `delete_backups`, a server that has any is refused before
 * anything is deleted (their snapshots would stop Cinder deleting the volumes half way). Changes nothing.
 */
export const findBackupSets = CloudStage.make({
  name: "findBackupSets",
  result: Schema.Array(FoundBackup),
  run: Effect.fn("ServerDelete.findBackupSets")(function* (request: {
    readonly server_id: string
    readonly delete_backups: boolean
  }) {
    const sets = yield* listBackupSets(request.server_id)
    if (sets.length > 0 && !request.delete_backups) {
      return yield* new ServerHasBackups({
        serverId: request.server_id,
        backupIds: sets.map((set) => set.backupId)
      })
    }
    return sets.map(
      (set): FoundBackup => ({
        server_id: request.server_id,
        backup_id: set.backupId,
        snapshot_ids: set.snapshots.map((snapshot) => snapshot.id)
      })
    )
  })
})
