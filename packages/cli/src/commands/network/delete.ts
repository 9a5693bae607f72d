import { Args, Command } from "@effect/cli"
import { Effect } from "effect"
import { parseId } from "../../input/ids.js"
import { dryRun, idempotencyKey, onFailure, submit, wait } from "../server/shared.js"

/** `enamel network delete ID [--wait]`: `DELETE /networks/{id}`, one task. */
export const del = Command.make(
  "delete",
  {
    id: Args.text({ name: "ID" }).pipe(Args.withDescription("the network's id")),
    idempotencyKey,
    onFailure,
    wait,
    dryRun
  },
  (flags) =>
    Effect.gen(function* () {
      const networkId = yield* parseId("network", flags.id)
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.deleteNetwork({
          path: { id: networkId },
          urlParams: { ...parts.urlParams, ...options },
          headers: parts.headers
        })
      )
    })
).pipe(
  Command.withDescription(
    "Delete a network with its plumbing, as one task: the routers' interfaces on it, the routers Enamel made " +
      "for it that nothing else uses (a router you brought stays), its subnets, the network. Refused while " +
      "other ports (a server's) use it; the refusal names them."
  )
)
