import { Command } from "@effect/cli"
import { del } from "./delete.js"
import { show } from "./show.js"

/** `enamel network …`: networks with their plumbing (subnets, router, interface), each change one task. */
export const network = Command.make("network").pipe(
  Command.withDescription("Networks: show them, and delete them with their plumbing."),
  Command.withSubcommands([del, show])
)
