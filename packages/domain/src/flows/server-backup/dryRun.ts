/**
 * `POST /servers/{id}/backups?dry_run=true` (after the admission, which already refuses a snapshot quota
 * without room with 413 `backup.over_quota`): the volumes it would snapshot, one snapshot of each, the
 * older sets a rotation would delete, and Cinder's snapshots and gigabytes quotas for the new set.
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { listBackupSets } from "../cloud/backupSets.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { checkQuotas } from "../cloud/quotas.js"
import { backupRefusal, volumesToBackUp } from "./chooseVolumes.js"
import type { BackupRequest } from "./request.js"
import { expiredSets } from "./rotation/findExpiredBackups.js"

export const planBackup = (request: BackupRequest) =>
  Effect.gen(function* () {
    const refused = planRefusal(`what server ${request.server_id} has to back up`)
    const found = yield* volumesToBackUp(request).pipe(Effect.catchAll(backupRefusal(request)))
    const check = yield* checkQuotas({
      snapshots: found.volumes.length,
      gigabytes: found.volumes.reduce((sum, volume) => sum + volume.size_gb, 0)
    }).pipe(Effect.catchAll(refused))
    const rotation = request.rotation
    // The new set is not made yet: no set of the server has its id, and every other one counts.
    const expired =
      rotation === undefined
        ? []
        : expiredSets(yield* listBackupSets(found.server_id).pipe(Effect.catchAll(refused)), "", rotation)
    const resolved: Record<string, string> = { [`server:${request.server_id}`]: found.server_id }
    for (const volume of found.volumes)
      resolved[`volume:${volume.device ?? volume.volume_id}`] = volume.volume_id
    const deletedSnapshots = expired.reduce((sum, set) => sum + set.snapshots.length, 0)
    const planned: Planned = {
      resolved,
      creates: { snapshot: found.volumes.length },
      deletes: expired.length === 0 ? {} : { backup: expired.length, snapshot: deletedSnapshots },
      quotas: check.quotas,
      quotas_unchecked: check.quotas_unchecked
    }
    return planned
  })
