import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import { NotFound, ServiceUnavailable } from "../../contract/errors.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { runnable } from "../../engine/flow/RunnableFlow.js"
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

/** `DELETE /servers/{id}` → `server.delete`. */
export const command = Command.make({
  type,
  description:
    "Deletes a server and the boot volume, volumes, ports and floating IPs Enamel created for it over its life, waiting until each is gone.",
  endpoint: HttpApiEndpoint.del("deleteServer")`/servers/${serverId}`.addError(
    Answers.notFound(ErrorCode.serverNotFound)
  ),
  pathParams: { id: "server_id" },
  concurrency: 2,
  // Version 3 also finds what attach tasks made for the server (the server mark); version 2 split the
  // waits from the deletions, so that a shutdown cuts them off. Tasks accepted before resume by theirs.
  flow,
  earlier: [runnable(v2.flow), runnable(v1.flow)],
  admission: serverVisible
})
