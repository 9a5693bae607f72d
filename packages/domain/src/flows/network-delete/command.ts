import { HttpApiEndpoint, HttpApiSchema } from "@effect/platform"
import { Effect, Schema } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import * as Input from "../../contract/input.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { cloudUnavailable } from "../cloud/servers.js"
import { deletableNetwork } from "./deletableNetwork.js"
import { planDeleteNetwork } from "./dryRun.js"
import { flow } from "./flow.js"
import { type DeleteNetworkRequest, type } from "./request.js"

const networkId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

/**
 * With the caller's own token, before the 202: the network is one they see (404), the project's own
 * (409 `network.not_deletable`), and no port but its plumbing uses it (409 `network.in_use`, naming each
 * port). Nothing is changed by a refusal. The flow looks again when it runs (`findNetworkTopology`).
 */
const networkDeletable = ({ network_id }: DeleteNetworkRequest) =>
  deletableNetwork(network_id).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "NetworkNotFound":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "NetworkNotDeletable":
        case "NetworkInUse":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether network ${network_id} may be deleted`, error))
      }
    })
  )

/** `DELETE /networks/{id}` → `network.delete`. */
export const command = Command.make({
  type,
  description:
    "Deletes a network with its plumbing, in order: the routers' interfaces on it, the routers Enamel made for it that nothing else uses (a router the user brought stays), its subnets, the network; each waited for until gone. Refused while ports other than the routers' and DHCP's use it (409 network.in_use, naming them).",
  endpoint: HttpApiEndpoint.del("deleteNetwork")`/networks/${networkId}`
    .addError(Answers.notFound(ErrorCode.networkNotFound))
    .addError(Answers.conflict(ErrorCode.networkNotDeletable, ErrorCode.networkInUse)),
  pathParams: { id: "network_id" },
  concurrency: 2,
  flow,
  admission: networkDeletable,
  // `?dry_run=true`: the subnets, router interfaces and routers that would go with it.
  plan: planDeleteNetwork
})
