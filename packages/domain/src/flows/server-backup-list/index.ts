/** `GET /servers/{id}/backups`: a porcelain read (no task): the server's backup sets, from Cinder. */
export { listBackups } from "./listBackups.js"
export { BackupListResponse, BackupSnapshotView, BackupView } from "./view.js"
