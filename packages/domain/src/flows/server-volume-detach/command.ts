import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitAttachedVolume } from "./attachedVolume.js"
import { planDetachVolume } from "./dryRun.js"
import { flow } from "./flow.js"
import { type DetachVolumeRequest, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))
const volumeId = HttpApiSchema.param("volume_id", Input.pathParam(Schema.UUID))

/** `DELETE /servers/{id}/volumes/{volume_id}` → `server.volume.detach`. */
export const command = Command.make({
  type,
  description:
    "Detaches a volume from a server and waits until it is free; deletes it when Enamel created it for the " +
    "server, keeps it when the user brought it. The boot volume is refused.",
  endpoint: HttpApiEndpoint.del("detachServerVolume")`/servers/${serverId}/volumes/${volumeId}`
    .addError(Answers.notFound(ErrorCode.serverNotFound, ErrorCode.volumeNotAttached))
    .addError(Answers.conflict(ErrorCode.serverNotReady, ErrorCode.volumeIsBootVolume)),
  pathParams: { id: "server_id", volume_id: "volume_id" },
  concurrency: 4,
  flow,
  // With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
  // (409), the volume is attached to it (404) and is not its boot volume (409).
  admission: ({ server_id, volume_id }: DetachVolumeRequest) => admitAttachedVolume(server_id, volume_id),
  // `?dry_run=true`: what the first stage finds, and what would be deleted.
  plan: planDetachVolume
})
