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
 * One untimed round comes first (warm code and caches). Each run's snapshot is deleted after its clock
 * stops (Enamel's through `DELETE /servers/{id}/backups/{backup_id}`, the others' with Cinder), and every
 * run starts once the server is ACTIVE with no task under way. Whatever happens, the end sweeps every
 * snapshot, server and volume named `bench-backup-<tag>-…`, and fails the part if anything is left.
 */
import { type BackupVolume, backupMetadata, backupVolume, floorBackup } from "./backupFloor.js"
import { type Login, login } from "./support/cloud.js"
import { type Comparison, compare, type Split } from "./support/comparison.js"
import { deploy } from "./support/enamel.js"
import { ensurePythonModules, runPython } from "./support/python.js"
import { removeSnapshot, settled } from "./support/resources.js"
import { alternateAfterWarmUp } from "./support/stats.js"
import { sweepNamed, sweptAfter } from "./support/sweep.js"
import { enamelServer, succeeded, timedTask } from "./support/tasks.js"

export interface BackupResult {
  /** Timed rounds, after `warmUpRounds` untimed ones. */
  readonly rounds: number
  readonly warmUpRounds: number
  /** How often the floor and openstacksdk poll, as Enamel's waits do. */
  readonly pollMs: number
  readonly backup: Comparison
}

const WARM_UP_ROUNDS = 1

const TOPICS = ["server.create", "server.delete", "server.backup", "server.backup.delete"]

interface Run {
  readonly alice: Login
  readonly apiUrl: string
  readonly volume: BackupVolume
  readonly prefix: string
  /** Where each Enamel run's time went (`timeSplit`). */
  readonly splits: Array<Split>
}

/** One Enamel run: the POST until its task is seen SUCCEEDED, then the DELETE of the backup, untimed. */
const enamelBackup = async (run: Run, r: number) => {
  const { alice, apiUrl, volume } = run
  const path = `/servers/${volume.serverId}/backups`
  const { task, seconds, split } = await timedTask<{ backup_id: string }>(apiUrl, alice, "POST", path, {
    name: `${run.prefix}enamel${r}`
  })
  run.splits.push(split)
  await succeeded(apiUrl, alice, 200, "DELETE", `${path}/${task.result.backup_id}`)
  return seconds
}

const sdkBackup = async ({ alice, volume, prefix }: Run, r: number) => {
  const out = runPython<{ seconds: number; snapshot_id: string }>("sdk_backup.py", [
    volume.volumeId,
    `${prefix}sdk${r}`,
    JSON.stringify(backupMetadata(volume))
  ])
  await removeSnapshot(alice, out.snapshot_id)
  return out.seconds
}

export const backupBench = async (rounds: number): Promise<BackupResult> => {
  ensurePythonModules(["openstack"])
  const alice = await login("alice")
  const enamel = await deploy({ accessLog: true, workerTopics: TOPICS.map((t) => `${t}=2`).join(",") })
  const prefix = `bench-backup-${Date.now().toString(36)}-`
  let serverId: string | undefined
  const work = async (): Promise<BackupResult> => {
    serverId = await enamelServer(enamel.apiUrl, alice, `${prefix}server`)
    const run: Run = {
      alice,
      apiUrl: enamel.apiUrl,
      volume: await backupVolume(alice, serverId),
      prefix,
      splits: []
    }
    // The server ACTIVE with no task under way before every run; one untimed round first.
    const all = await alternateAfterWarmUp(
      rounds,
      WARM_UP_ROUNDS,
      () => settled(alice, run.volume.serverId),
      {
        enamel: (r) => enamelBackup(run, r),
        floor: (r) => floorBackup(alice, run.volume, `${prefix}floor${r}`),
        openstacksdk: (r) => sdkBackup(run, r)
      }
    )
    return {
      rounds,
      warmUpRounds: WARM_UP_ROUNDS,
      pollMs: 200,
      backup: compare(all, run.splits.slice(WARM_UP_ROUNDS))
    }
  }
  try {
    return await sweptAfter("backup", work, () =>
      sweepNamed("backup", alice, enamel.apiUrl, prefix, serverId)
    )
  } finally {
    await enamel.close()
  }
}
