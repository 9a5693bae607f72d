/**
 * A server's backup sets: the Cinder snapshots that carry its backup marks (`marks.ts`), one set per
 * `enamel_backup_id`. Enamel keeps no table of them; every reader (`GET /servers/{id}/backups`, the
 * rotation of `server.backup`, `server.backup.delete`) reads them from Cinder.
 */
import { Cinder, type Snapshot } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { backupFilter, backupKey, deviceKey, takenAtKey } from "./marks.js"
import { requestSnapshotDelete } from "./remove.js"

export interface BackupSet {
  readonly backupId: string
  /** The name the backup was given (its snapshots' name). */
  readonly name: string | null
  /** When its first snapshot was made, as Cinder says it. */
  readonly createdAt: string
  /** When it was asked for, to the millisecond (Enamel's mark; Cinder's time for a set without it). */
  readonly takenAt: string
  readonly snapshots: ReadonlyArray<Snapshot>
}

/** The device the volume was attached as when its snapshot was taken, as the snapshot records it. */
export const deviceOf = (snapshot: Snapshot): string | null => snapshot.metadata[deviceKey] ?? null

/** When the snapshot was asked for: Enamel's mark, or Cinder's time (as ISO 8601 in UTC) without it. */
const takenAtOf = (snapshot: Snapshot): string => {
  const marked = snapshot.metadata[takenAtKey]
  if (marked !== undefined) return marked
  const cinder = Date.parse(snapshot.createdAt.endsWith("Z") ? snapshot.createdAt : `${snapshot.createdAt}Z`)
  return Number.isNaN(cinder) ? snapshot.createdAt : new Date(cinder).toISOString()
}

/** Newest first; sets taken in the same millisecond by backup id, so that every reader sees one order. */
const newestFirst = (a: BackupSet, b: BackupSet) =>
  b.takenAt.localeCompare(a.takenAt) || b.backupId.localeCompare(a.backupId)

/** Snapshots grouped into their sets, newest set first. */
export const groupBackupSets = (snapshots: ReadonlyArray<Snapshot>): ReadonlyArray<BackupSet> => {
  const sets = new Map<string, Array<Snapshot>>()
  for (const snapshot of snapshots) {
    const backupId = snapshot.metadata[backupKey]
    if (backupId === undefined) continue
    sets.set(backupId, [...(sets.get(backupId) ?? []), snapshot])
  }
  return [...sets.entries()]
    .map(([backupId, members]) => {
      const ordered = [...members].sort(
        (a, b) => a.createdAt.localeCompare(b.createdAt) || a.volumeId.localeCompare(b.volumeId)
      )
      const first = ordered[0]
      return {
        backupId,
        name: first?.name ?? null,
        createdAt: first?.createdAt ?? "",
        takenAt: ordered.map(takenAtOf).sort()[0] ?? "",
        snapshots: ordered
      }
    })
    .sort(newestFirst)
}

/** The server's backup sets, newest first, as Cinder shows them now (with the caller's session). */
export const listBackupSets = Effect.fn("Enamel.listBackupSets")(function* (serverId: string) {
  return groupBackupSets(yield* Cinder.listSnapshots({ metadata: backupFilter(serverId) }))
})

/** The snapshots of one backup set of the server (none when it has no such set). */
export const backupSetSnapshots = Effect.fn("Enamel.backupSetSnapshots")(function* (
  serverId: string,
  backupId: string
) {
  return yield* Cinder.listSnapshots({ metadata: backupFilter(serverId, backupId) })
})

/** Asks Cinder to delete each snapshot, without waiting (one gone or being deleted already is left to it). */
export const requestSnapshotsDelete = Effect.fn("Enamel.requestSnapshotsDelete")(function* (
  snapshotIds: ReadonlyArray<string>
) {
  yield* Effect.forEach(snapshotIds, requestSnapshotDelete, { concurrency: "unbounded", discard: true })
})

/** Waits until every snapshot is gone; one in `error_deleting` fails with Cinder's reason. */
export const waitSnapshotsGone = Effect.fn("Enamel.waitSnapshotsGone")(function* (
  snapshotIds: ReadonlyArray<string>
) {
  yield* Effect.forEach(snapshotIds, (id) => Cinder.waitForSnapshotDeleted(id), {
    concurrency: "unbounded",
    discard: true
  })
})
