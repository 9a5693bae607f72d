/**
 * `server.backup` version 2: the flow behind `POST /servers/{id}/backups`. As version 1 (`v1/flow.ts`),
 * with params that carry what the admission found (`BackupParams`), which `chooseVolumes` uses while fresh
 * instead of reading it again. Frozen once released: a change makes version 3 beside it (see the package
 * README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createSnapshots } from "./blockStorage/createSnapshots.js"
import { waitSnapshotsAvailable } from "./blockStorage/waitSnapshotsAvailable.js"
import { chooseVolumes } from "./chooseVolumes.js"
import { BackupParams, BackupResult, type } from "./request.js"
import { findExpiredBackups } from "./rotation/findExpiredBackups.js"
import { rotateBackups } from "./rotation/rotateBackups.js"
import { waitBackupsDeleted } from "./rotation/waitBackupsDeleted.js"

/** The stages, the same in versions 1 and 2. */
export const stages = {
  chooseVolumes,
  createSnapshots,
  waitSnapshotsAvailable,
  findExpiredBackups,
  rotateBackups,
  waitBackupsDeleted
}

/** The checklist, the same in versions 1 and 2 (version 1's params never carry `admitted`). */
export const program = (request: BackupParams) =>
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

export const flow = Flow.make({
  type,
  version: 2,
  params: BackupParams,
  result: BackupResult,
  stages,
  program
})
