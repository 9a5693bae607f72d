/** What a `server.backup.delete` task is given (`DELETE /servers/{id}/backups/{backup_id}`) and gives back. */
import { Schema } from "effect"
import { Admitted } from "../cloud/admitted.js"
import { FoundBackup } from "./backupSet.js"

export const type = "server.backup.delete"

export const DeleteBackupRequest = Schema.Struct({
  server_id: Schema.NonEmptyTrimmedString,
  backup_id: Schema.NonEmptyTrimmedString
})
export type DeleteBackupRequest = typeof DeleteBackupRequest.Type

/** The params of version 2: the request, with the set the admission found (`cloud/admitted.ts`). */
export const DeleteBackupParams = Schema.Struct({
  ...DeleteBackupRequest.fields,
  admitted: Schema.optional(Admitted(FoundBackup))
})
export type DeleteBackupParams = typeof DeleteBackupParams.Type

export const DeleteBackupResult = Schema.Struct({
  backup_id: Schema.String,
  /** The set's snapshots, all gone. */
  snapshot_ids: Schema.Array(Schema.String)
})
