import { Command } from "@effect/cli"
import { create } from "./create.js"

/** `enamel network …`: networks ready for servers, each change one porcelain call, one task. */
export const network = Command.make("network").pipe(
  Command.withDescription("Networks: create a network with its subnet, router and external gateway."),
  Command.withSubcommands([create])
)
