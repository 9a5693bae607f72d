/** `server.backup`: `POST /servers/{id}/backups`, a set of Cinder snapshots of a server's volumes. */
export { SnapshotSet } from "./blockStorage/createSnapshots.js"
export { BackupPlan } from "./chooseVolumes.js"
export { command } from "./command.js"
export { BackupNoVolume, BackupOverQuota } from "./errors.js"
export { flow } from "./flow.js"
export { BackupBody, BackupParams, BackupRequest, BackupResult, ChosenVolume, type } from "./request.js"
