import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitBackupSet } from "./backupSet.js"
import { planDeleteBackup } from "./dryRun.js"
import { flow } from "./flow.js"
import { type DeleteBackupRequest, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))
const backupId = HttpApiSchema.param("backup_id", Input.pathParam(Schema.UUID))

/** `DELETE /servers/{id}/backups/{backup_id}` → `server.backup.delete`. */
export const command = Command.make({
  type,
  description: "Deletes a backup set of a server: every snapshot of the set, waited for until gone.",
  endpoint: HttpApiEndpoint.del("deleteServerBackup")`/servers/${serverId}/backups/${backupId}`.addError(
    Answers.notFound(ErrorCode.serverNotFound, ErrorCode.backupNotFound)
  ),
  pathParams: { id: "server_id", backup_id: "backup_id" },
  concurrency: 4,
  flow,
  // With the caller's own token, before the 202: the server is the caller's and has the set (404).
  admission: ({ server_id, backup_id }: DeleteBackupRequest) => admitBackupSet(server_id, backup_id),
  // `?dry_run=true`: what the first stage finds, and what would be deleted.
  plan: planDeleteBackup
})
