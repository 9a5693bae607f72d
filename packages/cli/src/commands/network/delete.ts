import { Args, Command } from "@effect/cli"
import { Effect } from "effect"
import { parseId } from "../../input/ids.js"
import { dryRun, idempotencyKey, submit, wait } from "../server/shared.js"

/** `enamel network delete ID [--wait]`: `DELETE /networks/{id}`, one task. */
export const del = Command.make(
  "delete",
  {
    id: Args.text({ name: "ID" }).pipe(Args.withDescription("the network's id")),
    idempotencyKey,
    wait,
    dryRun
  },
  (flags) =>
    Effect.gen(function* () {
      const networkId = yield* parseId("network", flags.id)
      yield* submit(flags, (client, parts) =>
        client.api.porcelain.deleteNetwork({ path: { id: networkId }, ...parts })
      )
    })
).pipe(
  Command.withDescription(
    "Delete a network with its plumbing, as one task: the routers' interfaces on it, the routers Enamel made " +
      "for it that nothing else uses (a router you brought stays), its subnets, the network. Refused while " +
      "other ports (a server's) use it; the refusal names them."
  )
)
