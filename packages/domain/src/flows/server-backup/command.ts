import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { runnable } from "../../engine/flow/RunnableFlow.js"
import { admitBackup } from "./chooseVolumes.js"
import { planBackup } from "./dryRun.js"
import { flow } from "./flow.js"
import { BackupBody, type } from "./request.js"
import * as v1 from "./v1/flow.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/** `POST /servers/{id}/backups` → `server.backup`. */
export const command = Command.make({
  type,
  description:
    "Backs up a server's volumes (its boot volume, or all): a Cinder snapshot of each, taken as one set " +
    "and marked with the server and the backup's id; with a rotation, deletes the server's sets beyond the " +
    "newest N once the new one is available. A failure before the set is complete deletes what it made.",
  endpoint: HttpApiEndpoint.post("backupServer")`/servers/${serverId}/backups`
    .setPayload(BackupBody)
    .addError(Answers.notFound(ErrorCode.serverNotFound))
    .addError(Answers.conflict(ErrorCode.serverNotReady, ErrorCode.backupNoVolume))
    .addError(Answers.payloadTooLarge(ErrorCode.backupOverQuota)),
  pathParams: { id: "server_id" },
  concurrency: 4,
  flow,
  earlier: [runnable(v1.flow)],
  // With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
  // (409), it has the volumes asked for (409), and the snapshot quota allows them (413). What it found
  // travels with the task, for `chooseVolumes`.
  carriedAdmission: admitBackup,
  // `?dry_run=true`: the volumes, one snapshot of each, the sets a rotation deletes, Cinder's quotas.
  plan: planBackup
})
