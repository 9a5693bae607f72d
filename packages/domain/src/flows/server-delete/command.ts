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
import { flow } from "./flow.js"
import { type DeleteServerRequest, type } from "./request.js"
import * as v1 from "./v1/flow.js"
import * as v2 from "./v2/flow.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/**
 * The server must be one the caller can see, asked of Nova with the caller's own token: another
 * project's server, or one that does not exist, is a 404 at once rather than a task that fails.
 */
const serverVisible = ({ server_id }: DeleteServerRequest) =>
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
 * The server has no backup sets: their snapshots depend on its volumes, so Cinder would refuse to delete
 * the volumes half way through the task. Backups are meant to outlive the server's changes, so they are
 * never deleted implicitly; the answer names them.
 */
const noBackups = ({ server_id }: DeleteServerRequest) =>
  listBackupSets(server_id).pipe(
    Effect.catchAll((error) =>
      Effect.fail(
        new ServiceUnavailable({
          code: ErrorCode.serviceUnavailable,
          detail: `Cinder cannot say now whether server ${server_id} has backups (${error.message}); try again shortly`
        })
      )
    ),
    Effect.flatMap((sets) =>
      sets.length === 0
        ? Effect.void
        : Effect.fail(
            new Conflict({
              code: ErrorCode.serverHasBackups,
              detail:
                `server ${server_id} has backups ${sets.map((set) => set.backupId).join(", ")}, whose snapshots ` +
                `depend on its volumes; delete them first (DELETE /servers/${server_id}/backups/{backup_id})`
            })
          )
    )
  )

/** `DELETE /servers/{id}` → `server.delete`. */
export const command = Command.make({
  type,
  description:
    "Deletes a server and the boot volume, volumes, ports and floating IPs Enamel created for it over its life, waiting until each is gone. Refused while the server has backups.",
  endpoint: HttpApiEndpoint.del("deleteServer")`/servers/${serverId}`
    .addError(Answers.notFound(ErrorCode.serverNotFound))
    .addError(Answers.conflict(ErrorCode.serverHasBackups)),
  pathParams: { id: "server_id" },
  concurrency: 2,
  // Version 3 also finds what attach tasks made for the server (the server mark); version 2 split the
  // waits from the deletions, so that a shutdown cuts them off. Tasks accepted before resume by theirs.
  flow,
  earlier: [runnable(v2.flow), runnable(v1.flow)],
  // With the caller's own token, before the 202: the server is theirs (404) and has no backups (409).
  admission: (request) => Effect.zipRight(serverVisible(request), noBackups(request))
})
