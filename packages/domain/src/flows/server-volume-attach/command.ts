import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Effect, Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitUsableServer } from "../cloud/servers.js"
import { admitAvailableVolume } from "./existingVolume.js"
import { flow } from "./flow.js"
import { AttachVolumeBody, type AttachVolumeRequest, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/**
 * With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
 * (409); an existing volume is the caller's (404) and available (409).
 */
const admission = (request: AttachVolumeRequest) =>
  Effect.zipRight(
    admitUsableServer(request.server_id),
    request.volume === undefined ? Effect.void : admitAvailableVolume(request.volume)
  )

/** `POST /servers/{id}/volumes` → `server.volume.attach`. */
export const command = Command.make({
  type,
  description:
    "Attaches a volume to a server: a new one (empty, or from an image or a snapshot), created, waited for " +
    "and attached, or an existing one of the project; undoes what it did when any part fails.",
  endpoint: HttpApiEndpoint.post("attachServerVolume")`/servers/${serverId}/volumes`
    .setPayload(AttachVolumeBody)
    .addError(Answers.notFound(ErrorCode.serverNotFound, ErrorCode.volumeNotFound))
    .addError(Answers.conflict(ErrorCode.serverNotReady, ErrorCode.volumeNotAvailable)),
  pathParams: { id: "server_id" },
  concurrency: 4,
  flow,
  admission
})
