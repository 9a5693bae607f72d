import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Effect, Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitUsableServer } from "../cloud/servers.js"
import { admitFreePort } from "./choosePort.js"
import { planFloatingIp } from "./dryRun.js"
import { flow } from "./flow.js"
import { AttachFloatingIpBody, type AttachFloatingIpRequest, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/**
 * With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
 * (409); without a port named, one of its ports has no floating IP yet (409).
 */
const admission = (request: AttachFloatingIpRequest) =>
  Effect.zipRight(admitUsableServer(request.server_id), admitFreePort(request.server_id, request.port))

/** `POST /servers/{id}/floating-ips` → `server.floating_ip.attach`. */
export const command = Command.make({
  type,
  description:
    "Allocates a floating IP from an external network and puts it on a port of the server (the first " +
    "without one unless a port is named); releases it again when that fails.",
  endpoint: HttpApiEndpoint.post("attachServerFloatingIp")`/servers/${serverId}/floating-ips`
    .setPayload(AttachFloatingIpBody)
    .addError(Answers.notFound(ErrorCode.serverNotFound))
    .addError(
      Answers.conflict(
        ErrorCode.serverNotReady,
        ErrorCode.floatingIpNoFreePort,
        ErrorCode.serverRequestUnresolved
      )
    ),
  pathParams: { id: "server_id" },
  concurrency: 4,
  flow,
  admission,
  // `?dry_run=true`: the network and port resolved, and Neutron's floatingip quota.
  plan: planFloatingIp
})
