/**
 * The floors of the backup part (bench/backup.ts): the plumbing calls on the critical path of Enamel's
 * `server.backup` (one volume, no rotation), directly with plain fetch and alice's token, in order:
 * Cinder `POST /snapshots` with `force: true` and the metadata Enamel's `createSnapshots` puts on it →
 * poll the snapshot every 0.2 s, as Enamel's `waitSnapshotsAvailable` does (the clients' `pollInterval`),
 * until `available`. Which volume, and as which device, is found before the clock starts: Enamel finds it
 * inside its time (the server, its volume attachments, the volume and Cinder's limits, read once to admit
 * the request and again in `chooseVolumes`), and that is Enamel's own work, not the plumbing's. Then the
 * floor of the backup's deletion (`floorBackup`).
 */
import { randomUUID } from "node:crypto"
import { call, gone, type Login, pollUntil } from "./support/cloud.js"
import { removeSnapshot, snapshotOf } from "./support/resources.js"

/** The volume a backup of the server takes (its only one) and the device it is attached as. */
export interface BackupVolume {
  readonly serverId: string
  readonly volumeId: string
  readonly device: string | null
}

export const backupVolume = async (who: Login, serverId: string): Promise<BackupVolume> => {
  const { volumeAttachments } = await call<{
    volumeAttachments: ReadonlyArray<{ readonly volumeId: string; readonly device: string | null }>
  }>(who, "compute", "GET", `/servers/${serverId}/os-volume_attachments`)
  const [only, ...others] = volumeAttachments
  if (only === undefined || others.length > 0)
    throw new Error(`server ${serverId} has ${volumeAttachments.length} volumes; the backup part wants one`)
  return { serverId, volumeId: only.volumeId, device: only.device }
}

/**
 * The Cinder metadata of Enamel's snapshot of `volume` in a set of its own (the same keys, values of
 * the same length): the task and stage token marks, the server, the set's id, the device and the time.
 */
export const backupMetadata = (volume: BackupVolume): Record<string, string> => {
  const taskId = randomUUID()
  return {
    enamel_task: taskId,
    enamel_token: `enamel-${taskId}-createSnapshots`,
    enamel_server_id: volume.serverId,
    enamel_backup_id: taskId,
    ...(volume.device === null ? {} : { enamel_device: volume.device }),
    enamel_backup_at: new Date().toISOString()
  }
}

/** The floor's times of one backup of the volume and of its deletion. */
export interface FloorBackupTimes {
  readonly backup: number
  readonly delete: number
}

/**
 * One backup of the volume as the floor makes it, then its deletion as the floor does it (the critical
 * path of `server.backup.delete` on a set of one snapshot: Cinder `DELETE /snapshots/{id}` → poll every
 * 0.2 s, as Enamel's `waitSnapshotsDeleted`, until Cinder answers 404; the snapshot's id known before the
 * clock, where Enamel's `findBackup` reads the set from Cinder within its time). Returns both in seconds;
 * a snapshot left by a failure is removed.
 */
export const floorBackup = async (
  who: Login,
  volume: BackupVolume,
  name: string
): Promise<FloorBackupTimes> => {
  let snapshotId: string | undefined
  try {
    const started = performance.now()
    const { snapshot } = await call<{ snapshot: { id: string } }>(who, "volumev3", "POST", "/snapshots", {
      snapshot: { volume_id: volume.volumeId, name, force: true, metadata: backupMetadata(volume) }
    })
    snapshotId = snapshot.id
    await pollUntil(
      () => snapshotOf(who, snapshot.id),
      (s) => s.status === "available",
      (s) => s.status === "error"
    )
    const backup = (performance.now() - started) / 1000
    const deleting = performance.now()
    await call(who, "volumev3", "DELETE", `/snapshots/${snapshot.id}`)
    await gone(() => snapshotOf(who, snapshot.id))
    snapshotId = undefined
    return { backup, delete: (performance.now() - deleting) / 1000 }
  } finally {
    if (snapshotId !== undefined) await removeSnapshot(who, snapshotId)
  }
}
