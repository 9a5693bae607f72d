import { Command } from "@effect/cli"
import { backup } from "./backup.js"
import { create } from "./create.js"
import { del } from "./delete.js"
import { floatingIp } from "./floatingIp.js"
import { iface } from "./interface.js"
import { rebuild } from "./rebuild.js"
import { resize } from "./resize.js"
import { show } from "./show.js"
import { volume } from "./volume.js"

/**
 * `enamel server …`: create, delete and show servers; add and remove their volumes, ports and floating
 * IPs; back them up. Each change is one porcelain call, one task; `--wait` watches it to its end.
 */
export const server = Command.make("server").pipe(
  Command.withDescription(
    "Servers: create, show, resize, rebuild and delete them; add and remove what is attached to them; back them up."
  ),
  Command.withSubcommands([create, del, show, volume, iface, floatingIp, backup, resize, rebuild])
)
