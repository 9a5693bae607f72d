import { HttpApiEndpoint } from "@effect/platform"
import * as Command from "../../contract/Command.js"
import { flow, type } from "./flow.js"
import { CreateServersRequest } from "./request.js"

/** `POST /servers` → `server.create`. */
export const command = Command.make({
  type,
  description:
    "Creates one or more servers, each with its boot volume, ports, security groups, keypair and floating IPs; " +
    "undoes all of it when any part fails.",
  endpoint: HttpApiEndpoint.post("createServers", "/servers").setPayload(CreateServersRequest),
  concurrency: 4,
  flow
})
