import { Command } from "@effect/cli"
import { create } from "./create.js"
import { del } from "./delete.js"
import { floatingIp } from "./floatingIp.js"
import { iface } from "./interface.js"
import { rebuild } from "./rebuild.js"
import { show } from "./show.js"
import { volume } from "./volume.js"

/**
 * `enamel server …`: create, delete and show servers; add and remove their volumes, ports and floating
 * IPs. Each change is one porcelain call, one task; `--wait` watches it to its end.
 */
export const server = Command.make("server").pipe(
  Command.withDescription("Servers: create, show and delete them; add and remove what is attached to them."),
  Command.withSubcommands([create, del, show, volume, iface, floatingIp, rebuild])
)
