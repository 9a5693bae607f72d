import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitAttachedFloatingIp } from "./attachedFloatingIp.js"
import { planDetachFloatingIp } from "./dryRun.js"
import { flow } from "./flow.js"
import { type DetachFloatingIpRequest, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))
const floatingIpId = HttpApiSchema.param("floating_ip_id", Input.pathParam(Schema.UUID))

/** `DELETE /servers/{id}/floating-ips/{floating_ip_id}` → `server.floating_ip.detach`. */
export const command = Command.make({
  type,
  description:
    "Takes a floating IP off the server's port; releases it when Enamel made it for the server, keeps it " +
    "when the user brought it.",
  endpoint: HttpApiEndpoint.del("detachServerFloatingIp")`/servers/${serverId}/floating-ips/${floatingIpId}`
    .addError(Answers.notFound(ErrorCode.serverNotFound, ErrorCode.floatingIpNotAttached))
    .addError(Answers.conflict(ErrorCode.serverNotReady)),
  pathParams: { id: "server_id", floating_ip_id: "floating_ip_id" },
  concurrency: 4,
  flow,
  // With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
  // (409), and the floating IP is on one of its ports (404).
  admission: ({ server_id, floating_ip_id }: DetachFloatingIpRequest) =>
    admitAttachedFloatingIp(server_id, floating_ip_id),
  // `?dry_run=true`: what the first stage finds, and what would be deleted.
  plan: planDetachFloatingIp
})
