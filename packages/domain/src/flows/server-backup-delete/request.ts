/** What a `server.backup.delete` task is given (`DELETE /servers/{id}/backups/{backup_id}`) and gives back. */
import { Schema } from "effect"

export const type = "server.backup.delete"

export const DeleteBackupRequest = Schema.Struct({
  server_id: Schema.NonEmptyTrimmedString,
  backup_id: Schema.NonEmptyTrimmedString
})
export type DeleteBackupRequest = typeof DeleteBackupRequest.Type

export const DeleteBackupResult = Schema.Struct({
  backup_id: Schema.String,
  /** The set's snapshots, all gone. */
  snapshot_ids: Schema.Array(Schema.String)
})
