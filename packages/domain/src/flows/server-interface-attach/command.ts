import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { admitUsableServer } from "../cloud/servers.js"
import { planInterface } from "./dryRun.js"
import { flow } from "./flow.js"
import { AttachInterfaceBody, type AttachInterfaceRequest, type } from "./request.js"

const serverId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/** `POST /servers/{id}/interfaces` → `server.interface.attach`. */
export const command = Command.make({
  type,
  description:
    "Attaches a port to a server: a new one on a network (with its address and security groups), or an " +
    "existing free one of the project; puts a new floating IP on it when asked; undoes what it did when " +
    "any part fails.",
  endpoint: HttpApiEndpoint.post("attachServerInterface")`/servers/${serverId}/interfaces`
    .setPayload(AttachInterfaceBody)
    .addError(Answers.notFound(ErrorCode.serverNotFound))
    .addError(Answers.conflict(ErrorCode.serverNotReady, ErrorCode.serverRequestUnresolved)),
  pathParams: { id: "server_id" },
  concurrency: 4,
  flow,
  // With the caller's own token, before the 202: the server is the caller's (404) and ACTIVE or SHUTOFF
  // (409). What the body names is checked by the task's first stage, before anything is made.
  admission: (request: AttachInterfaceRequest) => admitUsableServer(request.server_id),
  // `?dry_run=true`: the first stage's checks, and Neutron's port (and floatingip) quotas.
  plan: planInterface
})
