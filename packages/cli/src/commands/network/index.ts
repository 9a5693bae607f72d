import { Command } from "@effect/cli"
import { create } from "./create.js"
import { del } from "./delete.js"
import { show } from "./show.js"

/** `enamel network …`: networks with their plumbing (subnets, router, interface), each change one task. */
export const network = Command.make("network").pipe(
  Command.withDescription(
    "Networks: create a network with its subnet, router and external gateway; show them; delete them with their plumbing."
  ),
  Command.withSubcommands([create, del, show])
)
