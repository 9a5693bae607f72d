/**
 * What a `server.delete` task is given and gives back. Versions 1–3 take `DeleteServerRequest` and return
 * `DeleteServerResult`; version 4 takes `delete_backups` too and names the backups it deleted (a change to
 * one of these changes the shape of every version that uses it, and so needs new versions).
 */
import { Schema } from "effect"

export const type = "server.delete"

export const DeleteServerRequest = Schema.Struct({ server_id: Schema.NonEmptyTrimmedString })
export type DeleteServerRequest = typeof DeleteServerRequest.Type

export const DeleteServerResult = Schema.Struct({
  server_id: Schema.String,
  floating_ip_ids: Schema.Array(Schema.String),
  port_ids: Schema.Array(Schema.String),
  volume_ids: Schema.Array(Schema.String)
})

/** Version 4's params: `delete_backups` (from `?delete_backups=true`) deletes the server's backups first. */
export const DeleteServerWithBackupsRequest = Schema.Struct({
  ...DeleteServerRequest.fields,
  delete_backups: Schema.optional(Schema.Boolean)
})
export type DeleteServerWithBackupsRequest = typeof DeleteServerWithBackupsRequest.Type

/** Version 4's result: also the backup sets it deleted first (none without `delete_backups`). */
export const DeleteServerWithBackupsResult = Schema.Struct({
  ...DeleteServerResult.fields,
  backup_ids: Schema.Array(Schema.String)
})
