import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admission } from "./checkRequest.js"
import { flow } from "./flow.js"
import { RebuildBody, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/** `POST /servers/{id}/rebuild` → `server.rebuild`. */
export const command = Command.make({
  type,
  description:
    "Rebuilds a volume-backed server from an image: a fresh root volume, the same server, ports and " +
    "addresses (Nova's rebuild at microversion 2.93 with Cinder's reimage).",
  endpoint: HttpApiEndpoint.post("rebuildServer")`/servers/${serverId}/rebuild`
    .setPayload(RebuildBody)
    .addError(Answers.notFound(ErrorCode.serverNotFound, ErrorCode.imageNotFound))
    .addError(Answers.conflict(ErrorCode.serverNotReady, ErrorCode.serverNotVolumeBacked)),
  pathParams: { id: "server_id" },
  concurrency: 2,
  flow,
  admission
})
