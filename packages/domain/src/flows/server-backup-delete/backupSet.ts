import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { backupSetSnapshots } from "../cloud/backupSets.js"
import { ServerNotFound } from "../cloud/serverErrors.js"
import { cloudUnavailable } from "../cloud/servers.js"
import { BackupNotFound } from "./errors.js"

export const FoundBackup = Schema.Struct({
  server_id: Schema.String,
  backup_id: Schema.String,
  snapshot_ids: Schema.Array(Schema.String)
})
export type FoundBackup = typeof FoundBackup.Type

/**
 * The backup set as Cinder has it: the server is the caller's (in any state), and it has snapshots
 * marked with the server and the backup id (one being deleted already counts: asking again finishes).
 */
export const backupSet = Effect.fn("ServerBackupDelete.backupSet")(function* (
  serverId: string,
  backupId: string
) {
  const server = yield* Nova.getServer(serverId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new ServerNotFound({ serverId })))
  )
  const snapshots = yield* backupSetSnapshots(server.id, backupId)
  if (snapshots.length === 0) return yield* new BackupNotFound({ serverId: server.id, backupId })
  const found: FoundBackup = {
    server_id: server.id,
    backup_id: backupId,
    snapshot_ids: snapshots.map((snapshot) => snapshot.id)
  }
  return found
})

/** Admission: the same, as API refusals (404 naming the server or the backup). */
export const admitBackupSet = (serverId: string, backupId: string) =>
  backupSet(serverId, backupId).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | ServiceUnavailable> => {
      switch (error._tag) {
        case "ServerNotFound":
        case "BackupNotFound":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether server ${serverId} has backup ${backupId}`, error))
      }
    })
  )
