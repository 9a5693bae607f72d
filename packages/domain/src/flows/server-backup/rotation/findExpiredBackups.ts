import { Effect, Schema } from "effect"
import { type BackupSet, listBackupSets } from "../../cloud/backupSets.js"
import * as CloudStage from "../../cloud/CloudStage.js"

export interface RotationInput {
  readonly server_id: string
  /** The set this task made: always kept, and counted as the newest. */
  readonly backup_id: string
  /** How many sets of the server to keep. */
  readonly keep: number
}

/** The server's sets the rotation deletes, with their snapshots. */
export const ExpiredBackups = Schema.Struct({
  server_id: Schema.String,
  backups: Schema.Array(
    Schema.Struct({ backup_id: Schema.String, snapshot_ids: Schema.Array(Schema.String) })
  )
})
export type ExpiredBackups = typeof ExpiredBackups.Type

/**
 * The server's sets beyond the newest `keep`, the set `backupId` (made, or about to be) counted as the
 * newest; a set already being deleted is not counted.
 */
export const expiredSets = (sets: ReadonlyArray<BackupSet>, backupId: string, keep: number) =>
  sets
    .filter((set) => set.backupId !== backupId && set.snapshots.some((s) => s.status !== "deleting"))
    .slice(Math.max(keep - 1, 0))

/**
 * Finds the server's backup sets beyond the newest `keep` (the new set first, then the others newest
 * first; a set already being deleted is not counted). Creates nothing.
 */
export const findExpiredBackups = CloudStage.make({
  name: "findExpiredBackups",
  result: ExpiredBackups,
  run: Effect.fn("ServerBackup.findExpiredBackups")(function* (input: RotationInput) {
    const sets = yield* listBackupSets(input.server_id)
    const expired: ExpiredBackups = {
      server_id: input.server_id,
      backups: expiredSets(sets, input.backup_id, input.keep).map((set) => ({
        backup_id: set.backupId,
        snapshot_ids: set.snapshots.map((snapshot) => snapshot.id)
      }))
    }
    return expired
  })
})
