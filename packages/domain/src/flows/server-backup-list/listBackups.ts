/**
 * `GET /servers/{id}/backups`: a porcelain read, no task and nothing stored. The server's backup sets
 * read live with the caller's own session from Cinder (its snapshots marked with the server), newest
 * first.
 */
import { Nova } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { deviceOf, listBackupSets } from "../cloud/backupSets.js"
import { ServerNotFound } from "../cloud/serverErrors.js"
import type { BackupView } from "./view.js"

/** The server's backup sets as `GET /servers/{id}/backups` shows them; ServerNotFound when the caller cannot see it. */
export const listBackups = Effect.fn("ServerBackupList.listBackups")(function* (serverId: string) {
  const server = yield* Nova.getServer(serverId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new ServerNotFound({ serverId })))
  )
  const sets = yield* listBackupSets(server.id)
  return sets.map(
    (set): BackupView => ({
      backup_id: set.backupId,
      name: set.name,
      created_at: set.createdAt,
      snapshots: set.snapshots.map((snapshot) => ({
        volume_id: snapshot.volumeId,
        snapshot_id: snapshot.id,
        device: deviceOf(snapshot),
        status: snapshot.status
      }))
    })
  )
})
