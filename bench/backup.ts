/**
 * Backup (issue 18): on one volume-backed server made for the part (through Enamel, as bench/attach.ts
 * makes one, and deleted at the end, after its backups), as alice, `rounds` rounds of three runs in turn,
 * each a snapshot of the server's boot volume taken while it is attached:
 *
 * - Enamel's `POST /servers/{id}/backups {"name": …}` (the API and a worker process; the time from the
 *   POST until the task is seen SUCCEEDED, polled every 50 ms);
 * - the floor (bench/backupFloor.ts): Cinder create snapshot (forced, Enamel's metadata) → poll every
 *   0.2 s until available;
 * - openstacksdk's block_storage.create_snapshot + wait_for_status every 0.2 s (bench/python/sdk_backup.py
 *   says why not create_volume_snapshot).
 *
 * Then each run deletes the snapshot it made, timed as a second comparison (issue 18's
 * `server.backup.delete`): Enamel's `DELETE /servers/{id}/backups/{backup_id}` until its task is seen
 * SUCCEEDED; the floor's Cinder `DELETE /snapshots/{id}` → poll every 0.2 s until 404; openstacksdk's
 * delete_snapshot + wait_for_delete every 0.2 s.
 *
 * One untimed round comes first (warm code and caches). Every run starts once the server is ACTIVE with
 * no task under way. Whatever happens, the end sweeps every
 * snapshot, server and volume named `bench-backup-<tag>-…`, and fails the part if anything is left.
 */
import {
  type BackupVolume,
  backupMetadata,
  backupVolume,
  type FloorBackupTimes,
  floorBackup
} from "./backupFloor.js"
import { type Comparison, compare, measureOf } from "./support/comparison.js"
import { runPython } from "./support/python.js"
import { type OnServer, onOneServer, WARM_UP_ROUNDS } from "./support/serverPart.js"

export interface BackupResult {
  /** Timed rounds, after `warmUpRounds` untimed ones. */
  readonly rounds: number
  readonly warmUpRounds: number
  /** How often the floor and openstacksdk poll, as Enamel's waits do. */
  readonly pollMs: number
  readonly backup: Comparison
  /** The deletion of the backup just made. */
  readonly delete: Comparison
}

/** One Enamel run: the POST until its task is seen SUCCEEDED, then the DELETE of the backup until its task is. */
const enamelBackup = async (on: OnServer, r: number): Promise<FloorBackupTimes> => {
  const path = `/servers/${on.serverId}/backups`
  const backup = await on.enamelTimed<{ backup_id: string }>("backup", "POST", path, {
    name: `${on.prefix}enamel${r}`
  })
  const deleted = await on.enamelTimed("delete", "DELETE", `${path}/${backup.result.backup_id}`)
  return { backup: backup.seconds, delete: deleted.seconds }
}

const sdkBackup = (volume: BackupVolume, name: string): FloorBackupTimes => {
  const out = runPython<{ seconds: number; delete_seconds: number }>("sdk_backup.py", [
    volume.volumeId,
    name,
    JSON.stringify(backupMetadata(volume))
  ])
  return { backup: out.seconds, delete: out.delete_seconds }
}

export const backupBench = async (rounds: number): Promise<BackupResult> => {
  const { results, splits } = await onOneServer(
    "backup",
    ["server.backup", "server.backup.delete"],
    rounds,
    async (on) => {
      const volume = await backupVolume(on.alice, on.serverId)
      return {
        enamel: (r) => enamelBackup(on, r),
        floor: (r) => floorBackup(on.alice, volume, `${on.prefix}floor${r}`),
        openstacksdk: async (r) => sdkBackup(volume, `${on.prefix}sdk${r}`)
      }
    }
  )
  return {
    rounds,
    warmUpRounds: WARM_UP_ROUNDS,
    pollMs: 200,
    backup: compare(
      measureOf(results, (t) => t.backup),
      splits.backup ?? []
    ),
    delete: compare(
      measureOf(results, (t) => t.delete),
      splits.delete ?? []
    )
  }
}
