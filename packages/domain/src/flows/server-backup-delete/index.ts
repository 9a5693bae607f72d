/** `server.backup.delete`: `DELETE /servers/{id}/backups/{backup_id}`, a backup set's snapshots deleted. */
export { FoundBackup } from "./backupSet.js"
export { command } from "./command.js"
export { BackupNotFound } from "./errors.js"
export { flow } from "./flow.js"
export { DeleteBackupParams, DeleteBackupRequest, DeleteBackupResult, type } from "./request.js"
