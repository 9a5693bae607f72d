import { Args, Command } from "@effect/cli"
import { Effect } from "effect"
import { withClient } from "../../client.js"
import { enamel } from "../../globals.js"
import { parseId } from "../../input/ids.js"
import { printNetwork } from "../../render/network.js"

/** `enamel network show NETWORK`: `GET /networks/{id}`, a read (no task). */
export const show = Command.make(
  "show",
  { network: Args.text({ name: "NETWORK" }).pipe(Args.withDescription("the network's id")) },
  (flags) =>
    Effect.gen(function* () {
      const networkId = yield* parseId("network", flags.network)
      const { format } = yield* enamel
      yield* withClient((client) =>
        Effect.flatMap(client.api.networks.getNetwork({ path: { id: networkId } }), (answer) =>
          printNetwork(format, answer)
        )
      )
    })
).pipe(
  Command.withDescription(
    "Show a network read live from the cloud: its subnets (CIDR, gateway, DNS), its routers with their " +
      "external network, the ports on it, and the task that made each (- when Enamel did not)."
  )
)
