import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import { Conflict, NotFound, ServiceUnavailable } from "../../contract/errors.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { runnable } from "../../engine/flow/RunnableFlow.js"
import { listBackupSets } from "../cloud/backupSets.js"
import { cloudUnavailable } from "../cloud/servers.js"
import { planDeleteServer } from "./dryRun.js"
import { ServerHasBackups } from "./errors.js"
import { flow } from "./flow.js"
import { type DeleteServerWithBackupsRequest, type } from "./request.js"
import * as v1 from "./v1/flow.js"
import * as v2 from "./v2/flow.js"
import * as v3 from "./v3/flow.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/**
 * The server must be one the caller can see, asked of Nova with the caller's own token: another
 * project's server, or one that does not exist, is a 404 at once rather than a task that fails.
 */
const serverVisible = ({ server_id }: DeleteServerWithBackupsRequest) =>
  Nova.getServer(server_id).pipe(
    Effect.asVoid,
    Effect.catchAll(
      (error): Effect.Effect<never, NotFound | ServiceUnavailable> =>
        error._tag === "OpenStackNotFound"
          ? Effect.fail(
              new NotFound({ code: ErrorCode.serverNotFound, detail: `server ${server_id} not found` })
            )
          : Effect.fail(
              new ServiceUnavailable({
                code: ErrorCode.serviceUnavailable,
                detail: `Nova cannot say now whether server ${server_id} exists (${error.message}); try again shortly`
              })
            )
    )
  )

/**
 * Unless the request asks to delete them too (`?delete_backups=true`), the server has no backup sets:
 * their snapshots depend on its volumes, so Cinder would refuse to delete the volumes half way through the
 * task. Backups are meant to outlive the server's changes, so they are never deleted unasked; the answer
 * names them. (The flow looks again at run time: `findBackupSets`.)
 */
const noBackupsUnlessAsked = ({ server_id, delete_backups }: DeleteServerWithBackupsRequest) =>
  delete_backups === true
    ? Effect.void
    : listBackupSets(server_id).pipe(
        Effect.catchAll((error) =>
          Effect.fail(cloudUnavailable(`whether server ${server_id} has backups`, error))
        ),
        Effect.flatMap((sets) =>
          sets.length === 0
            ? Effect.void
            : Effect.fail(
                new Conflict({
                  code: ErrorCode.serverHasBackups,
                  detail: new ServerHasBackups({
                    serverId: server_id,
                    backupIds: sets.map((set) => set.backupId)
                  }).message
                })
              )
        )
      )

/** `?delete_backups=true|false`; any other value, or another parameter, is a 400 naming it. */
const DeleteServerQuery = Input.commandQuery(
  Schema.Struct({
    delete_backups: Schema.optional(
      Schema.BooleanFromString.annotations({
        description:
          "true: the server's backup sets (their Cinder snapshots) are deleted first, found when the task runs; otherwise a server with backups is refused (409 server.has_backups)"
      })
    )
  })
)

/** `DELETE /servers/{id}` → `server.delete`. */
export const command = Command.make({
  type,
  description:
    "Deletes a server and the boot volume, volumes, ports and floating IPs Enamel created for it over its life, waiting until each is gone. Refused while the server has backups, unless `?delete_backups=true`: then its backup sets are deleted first.",
  endpoint: HttpApiEndpoint.del("deleteServer")`/servers/${serverId}`
    .setUrlParams(DeleteServerQuery)
    .addError(Answers.notFound(ErrorCode.serverNotFound))
    .addError(Answers.conflict(ErrorCode.serverHasBackups)),
  pathParams: { id: "server_id" },
  urlParams: { delete_backups: "delete_backups" },
  concurrency: 2,
  // Version 4 deletes the server's backups first when asked; version 3 also finds what attach tasks made
  // for the server (the server mark); version 2 split the waits from the deletions, so that a shutdown
  // cuts them off. Tasks accepted before resume by theirs.
  flow,
  earlier: [runnable(v3.flow), runnable(v2.flow), runnable(v1.flow)],
  // With the caller's own token, before the 202: the server is theirs (404) and, unless the request
  // deletes them too, has no backups (409).
  admission: (request) => Effect.zipRight(serverVisible(request), noBackupsUnlessAsked(request)),
  // `?dry_run=true`: what Enamel made for the server, which would go with it.
  plan: planDeleteServer
})
