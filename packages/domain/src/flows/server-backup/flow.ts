/**
 * `server.backup` version 1: the flow behind `POST /servers/{id}/backups`. Frozen once released: a change
 * makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createSnapshots } from "./blockStorage/createSnapshots.js"
import { waitSnapshotsAvailable } from "./blockStorage/waitSnapshotsAvailable.js"
import { chooseVolumes } from "./chooseVolumes.js"
import { BackupRequest, BackupResult, type } from "./request.js"
import { findExpiredBackups } from "./rotation/findExpiredBackups.js"
import { rotateBackups } from "./rotation/rotateBackups.js"
import { waitBackupsDeleted } from "./rotation/waitBackupsDeleted.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: BackupRequest,
  result: BackupResult,
  stages: {
    chooseVolumes,
    createSnapshots,
    waitSnapshotsAvailable,
    findExpiredBackups,
    rotateBackups,
    waitBackupsDeleted
  },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The server is the caller's and running or stopped; its volumes to back up; the quota allows it.
      const plan = yield* Flow.stage(chooseVolumes, request)
      // 2. A snapshot of each volume, as one set → wait until all are available.
      const set = yield* Flow.stage(createSnapshots, plan)
      yield* Flow.stage(waitSnapshotsAvailable, set)
      // 3. With a rotation: the server's sets beyond the newest N → delete them → wait until gone.
      const rotation = request.rotation
      const expired =
        rotation === undefined
          ? []
          : (yield* Flow.stage(findExpiredBackups, {
              server_id: plan.server_id,
              backup_id: plan.backup_id,
              keep: rotation
            })).backups
      if (expired.length > 0) {
        const rotated = { server_id: plan.server_id, backups: expired }
        yield* Flow.stage(rotateBackups, rotated)
        yield* Flow.stage(waitBackupsDeleted, rotated)
      }
      return {
        backup_id: plan.backup_id,
        snapshots: set.snapshots,
        deleted: expired.map((backup) => backup.backup_id)
      }
    })
})
