import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitResize } from "./checkRequest.js"
import { planResize } from "./dryRun.js"
import { flow } from "./flow.js"
import { ResizeServerBody, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/** `POST /servers/{id}/resize` → `server.resize`. */
export const command = Command.make({
  type,
  description:
    "Resizes a server to another flavor: resize, wait for VERIFY_RESIZE, confirm, and wait until the server " +
    "is back in the state it had (ACTIVE or SHUTOFF) on the new flavor; a failure or a cancel before the " +
    "confirm reverts it to its old flavor.",
  endpoint: HttpApiEndpoint.post("resizeServer")`/servers/${serverId}/resize`
    .setPayload(ResizeServerBody)
    .addError(Answers.notFound(ErrorCode.serverNotFound, ErrorCode.flavorNotFound))
    .addError(
      Answers.conflict(ErrorCode.serverNotReady, ErrorCode.serverFlavorUnchanged, ErrorCode.flavorAmbiguous)
    ),
  pathParams: { id: "server_id" },
  concurrency: 4,
  flow,
  // With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
  // (409); the flavor exists (404) and is not the server's (409).
  admission: admitResize,
  // `?dry_run=true`: the new flavor's id, and Nova's cores and RAM quotas for the increase.
  plan: planResize
})
