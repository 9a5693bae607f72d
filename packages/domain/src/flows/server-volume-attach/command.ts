import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Effect, Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { runnable } from "../../engine/flow/RunnableFlow.js"
import { admitUsableServer } from "../cloud/servers.js"
import { admitUsableSnapshot } from "../cloud/snapshots.js"
import { planAttach } from "./dryRun.js"
import { admitAvailableVolume } from "./existingVolume.js"
import { flow } from "./flow.js"
import { AttachVolumeBody, type AttachVolumeRequest, type } from "./request.js"
import * as v1 from "./v1/flow.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/**
 * With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
 * (409); an existing volume is the caller's (404) and available (409); a snapshot to make the volume
 * from is the caller's (404), available (409) and no larger than `size_gb` (409).
 */
const admission = (request: AttachVolumeRequest) =>
  Effect.all(
    [
      admitUsableServer(request.server_id),
      request.volume === undefined ? Effect.void : admitAvailableVolume(request.volume),
      request.snapshot === undefined ? Effect.void : admitUsableSnapshot(request.snapshot, request.size_gb)
    ],
    { discard: true }
  )

/** `POST /servers/{id}/volumes` → `server.volume.attach`. */
export const command = Command.make({
  type,
  description:
    "Attaches a volume to a server: a new one (empty, or from an image or a snapshot), created, waited for " +
    "and attached, or an existing one of the project; undoes what it did when any part fails.",
  endpoint: HttpApiEndpoint.post("attachServerVolume")`/servers/${serverId}/volumes`
    .setPayload(AttachVolumeBody)
    .addError(
      Answers.notFound(ErrorCode.serverNotFound, ErrorCode.volumeNotFound, ErrorCode.snapshotNotFound)
    )
    .addError(
      Answers.conflict(
        ErrorCode.serverNotReady,
        ErrorCode.volumeNotAvailable,
        ErrorCode.snapshotNotAvailable,
        ErrorCode.volumeSmallerThanSnapshot,
        ErrorCode.serverRequestUnresolved
      )
    ),
  pathParams: { id: "server_id" },
  concurrency: 4,
  // Version 2 takes a snapshot without size_gb; tasks accepted before it resume by version 1.
  flow,
  earlier: [runnable(v1.flow)],
  admission,
  // `?dry_run=true`: a new volume's names resolved, and Cinder's quotas for it.
  plan: planAttach
})
