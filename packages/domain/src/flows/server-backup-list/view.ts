/** What `GET /servers/{id}/backups` answers: the server's backup sets, read from Cinder. */
import { Schema } from "effect"

export const BackupSnapshotView = Schema.Struct({
  volume_id: Schema.String,
  snapshot_id: Schema.String,
  device: Schema.NullOr(Schema.String),
  status: Schema.String
})

export const BackupView = Schema.Struct({
  backup_id: Schema.String,
  name: Schema.NullOr(Schema.String),
  created_at: Schema.String,
  snapshots: Schema.Array(BackupSnapshotView)
})
export type BackupView = typeof BackupView.Type

export const BackupListResponse = Schema.Struct({ backups: Schema.Array(BackupView) }).annotations({
  identifier: "BackupListResponse"
})
