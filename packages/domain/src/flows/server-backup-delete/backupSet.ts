import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { admittedNow } from "../cloud/admitted.js"
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
  // The server and the set's snapshots at once: the snapshots are found by the server's id as given.
  const [serverRead, snapshotsRead] = yield* Effect.all(
    [
      Nova.getServer(serverId).pipe(
        Effect.catchTag("OpenStackNotFound", () => Effect.fail(new ServerNotFound({ serverId })))
      ),
      backupSetSnapshots(serverId, backupId)
    ],
    { concurrency: "unbounded", mode: "either" }
  )
  // The server's failure first, whichever answer came first.
  const server = yield* serverRead
  const snapshots = yield* snapshotsRead
  if (snapshots.length === 0) return yield* new BackupNotFound({ serverId: server.id, backupId })
  const found: FoundBackup = {
    server_id: server.id,
    backup_id: backupId,
    snapshot_ids: snapshots.map((snapshot) => snapshot.id)
  }
  return found
})

/**
 * Admission: the same, as API refusals (404 naming the server or the backup); what it found travels with
 * the task, for `findBackup`.
 */
export const admitBackupSet = (serverId: string, backupId: string) =>
  backupSet(serverId, backupId).pipe(
    Effect.flatMap(admittedNow),
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
