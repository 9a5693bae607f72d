/**
 * `DELETE /servers/{id}/backups/{backup_id}?dry_run=true` (after the admission): the first stage's check
 * with the caller's session — the set's snapshots, every one deleted.
 */
import { Effect } from "effect"
import { planRefusal, removalPlan } from "../cloud/planRefusal.js"
import { backupSet } from "./backupSet.js"
import type { DeleteBackupRequest } from "./request.js"

export const planDeleteBackup = ({ server_id, backup_id }: DeleteBackupRequest) =>
  backupSet(server_id, backup_id).pipe(
    Effect.map((found) =>
      removalPlan(
        { [`server:${server_id}`]: found.server_id, [`backup:${backup_id}`]: found.backup_id },
        { backup: 1, snapshot: found.snapshot_ids.length }
      )
    ),
    Effect.catchAll(planRefusal(`whether server ${server_id} has backup ${backup_id}`))
  )
