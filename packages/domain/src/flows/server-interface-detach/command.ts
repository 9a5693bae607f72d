import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitAttachedPort } from "./attachedPort.js"
import { planDetachInterface } from "./dryRun.js"
import { flow } from "./flow.js"
import { type DetachInterfaceRequest, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))
const portId = HttpApiSchema.param("port_id", Input.pathParam(Schema.UUID))

/** `DELETE /servers/{id}/interfaces/{port_id}` → `server.interface.detach`. */
export const command = Command.make({
  type,
  description:
    "Detaches a port from a server: releases its floating IPs Enamel made (takes the others off), detaches " +
    "it, and deletes it when Enamel made it for the server; a port the user brought is kept.",
  endpoint: HttpApiEndpoint.del("detachServerInterface")`/servers/${serverId}/interfaces/${portId}`
    .addError(Answers.notFound(ErrorCode.serverNotFound, ErrorCode.portNotAttached))
    .addError(Answers.conflict(ErrorCode.serverNotReady)),
  pathParams: { id: "server_id", port_id: "port_id" },
  concurrency: 4,
  flow,
  // With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
  // (409), and the port is attached to it (404).
  admission: ({ server_id, port_id }: DetachInterfaceRequest) => admitAttachedPort(server_id, port_id),
  // `?dry_run=true`: what the first stage finds, and what would be deleted.
  plan: planDetachInterface
})
