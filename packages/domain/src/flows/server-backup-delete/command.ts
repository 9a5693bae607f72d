import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Effect, Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { runnable } from "../../engine/flow/RunnableFlow.js"
import { admitBackupSet } from "./backupSet.js"
import { planDeleteBackup } from "./dryRun.js"
import { flow } from "./flow.js"
import { type DeleteBackupParams, type } from "./request.js"
import * as v1 from "./v1/flow.js"

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
  earlier: [runnable(v1.flow)],
  // With the caller's own token, before the 202: the server is the caller's and has the set (404). The
  // set found travels with the task, for `findBackup`.
  carriedAdmission: (request: DeleteBackupParams) =>
    Effect.map(admitBackupSet(request.server_id, request.backup_id), (admitted) => ({
      ...request,
      admitted
    })),
  // `?dry_run=true`: what the first stage finds, and what would be deleted.
  plan: planDeleteBackup
})
