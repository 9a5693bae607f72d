import { Effect } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { backupSet, FoundBackup } from "./backupSet.js"
import type { DeleteBackupRequest } from "./request.js"

/** Checks, before anything changes: the server is the caller's and has the set; finds its snapshots. Changes nothing. */
export const findBackup = CloudStage.make({
  name: "findBackup",
  result: FoundBackup,
  run: Effect.fn("ServerBackupDelete.findBackup")(function* (request: DeleteBackupRequest) {
    return yield* backupSet(request.server_id, request.backup_id)
  })
})
