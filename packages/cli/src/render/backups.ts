import type { ServerBackupList } from "@enamel/domain/flows"
import type { Format } from "../globals.js"
import { line } from "./Output.js"
import { type Cell, table } from "./table.js"

/**
 * `server backup list`: the server's backup sets as `GET /servers/{id}/backups` answers them, newest
 * first. `table`: one row per snapshot (a set's first row names it); `json`: the API's answer; `value`:
 * each set's id, name and time, one set per line.
 */
type Backup = typeof ServerBackupList.BackupView.Type

export const backupsHeader = [
  "Backup",
  "Name",
  "Created at",
  "Device",
  "Volume",
  "Snapshot",
  "Status"
] as const

const rowsOf = (backup: Backup): ReadonlyArray<ReadonlyArray<Cell>> =>
  backup.snapshots.map((snapshot, i) => [
    i === 0 ? backup.backup_id : "",
    i === 0 ? backup.name : "",
    i === 0 ? backup.created_at : "",
    snapshot.device,
    snapshot.volume_id,
    snapshot.snapshot_id,
    snapshot.status
  ])

export const printBackups = (format: Format, answer: { readonly backups: ReadonlyArray<Backup> }) =>
  format === "json"
    ? line(JSON.stringify(answer, null, 2))
    : format === "value"
      ? line(answer.backups.map((b) => `${b.backup_id} ${b.name ?? ""} ${b.created_at}`).join("\n"))
      : line(table(backupsHeader, answer.backups.flatMap(rowsOf)))
