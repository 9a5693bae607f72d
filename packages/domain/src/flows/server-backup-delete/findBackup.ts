import { Effect } from "effect"
import { admittedOr } from "../cloud/admitted.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { backupSet, FoundBackup } from "./backupSet.js"
import type { DeleteBackupParams } from "./request.js"

/** Checks, before anything changes: the server is the caller's and has the set; finds its snapshots. Changes nothing. */
export const findBackup = CloudStage.make({
  name: "findBackup",
  result: FoundBackup,
  run: Effect.fn("ServerBackupDelete.findBackup")(function* (request: DeleteBackupParams) {
    // What the admission found a moment ago, while fresh (`cloud/admitted.ts`); else read again. A
    // snapshot gone since is one Cinder deletes no more: `deleteSnapshots` leaves it to Cinder.
    return yield* admittedOr(request.admitted, backupSet(request.server_id, request.backup_id))
  })
})
