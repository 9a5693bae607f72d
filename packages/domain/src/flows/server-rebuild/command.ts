import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { runnable } from "../../engine/flow/RunnableFlow.js"
import { admission } from "./checkRequest.js"
import { planRebuild } from "./dryRun.js"
import { flow } from "./flow.js"
import { RebuildBody, type } from "./request.js"
import * as v1 from "./v1/flow.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/** `POST /servers/{id}/rebuild` → `server.rebuild`. */
export const command = Command.make({
  type,
  description:
    "Rebuilds a volume-backed server from an image: a fresh root volume, the same ports and addresses. " +
    "Nova's rebuild where the cloud offers microversion 2.93 and Cinder's reimage (the same server); " +
    "elsewhere by replacement (a new server with the same name, flavor, metadata, keypair, ports and " +
    "volumes on a new root; the old root deleted, or kept when backups depend on it).",
  endpoint: HttpApiEndpoint.post("rebuildServer")`/servers/${serverId}/rebuild`
    .setPayload(RebuildBody)
    .addError(Answers.notFound(ErrorCode.serverNotFound, ErrorCode.imageNotFound))
    .addError(
      Answers.conflict(
        ErrorCode.serverNotReady,
        ErrorCode.serverNotVolumeBacked,
        ErrorCode.serverRequestUnresolved,
        ErrorCode.rebuildVolumeDeletedOnTermination
      )
    ),
  pathParams: { id: "server_id" },
  concurrency: 2,
  // Version 2 also rebuilds by replacement; tasks accepted before it resume by version 1.
  flow,
  earlier: [runnable(v1.flow)],
  admission,
  // `?dry_run=true`: the image's id, the path, and on the replace path the new root's Cinder quotas.
  plan: planRebuild
})
