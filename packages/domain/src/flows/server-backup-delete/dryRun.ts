/**
 * `DELETE /servers/{id}/backups/{backup_id}?dry_run=true` (after the admission): the first stage's check
 * with the caller's session — the set's snapshots, every one deleted.
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { backupSet } from "./backupSet.js"
import type { DeleteBackupRequest } from "./request.js"

export const planDeleteBackup = (request: DeleteBackupRequest) =>
  backupSet(request.server_id, request.backup_id).pipe(
    Effect.map(
      (found): Planned => ({
        resolved: {
          [`server:${request.server_id}`]: found.server_id,
          [`backup:${request.backup_id}`]: found.backup_id
        },
        creates: {},
        deletes: { backup: 1, snapshot: found.snapshot_ids.length },
        quotas: [],
        quotas_unchecked: []
      })
    ),
    Effect.catchAll(planRefusal(`whether server ${request.server_id} has backup ${request.backup_id}`))
  )
