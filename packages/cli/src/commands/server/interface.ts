import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { parseId } from "../../input/ids.js"
import { interfacePayload } from "../../input/serverAttach.js"
import {
  described,
  dryRun,
  idempotencyKey,
  onFailure,
  priority,
  removeCommand,
  serverArg,
  submit,
  wait
} from "./shared.js"

/** `enamel server interface add|remove`: `server.interface.attach` and `server.interface.detach`. */

const add = Command.make(
  "add",
  {
    server: serverArg,
    network: described(
      Options.text("network").pipe(Options.withPseudoName("NET"), Options.optional),
      "a new port on this network (name or id), made for the server (deleted when it is removed)"
    ),
    fixedIp: described(
      Options.text("fixed-ip").pipe(Options.withPseudoName("IP"), Options.optional),
      "the new port's address"
    ),
    securityGroups: described(
      Options.text("security-group").pipe(Options.withPseudoName("SG"), Options.repeated),
      "a security group of the new port (name or id); repeat for more"
    ),
    floatingIp: described(
      Options.text("floating-ip").pipe(Options.withPseudoName("EXTERNAL_NET"), Options.optional),
      "put a new floating IP from EXTERNAL_NET on the port"
    ),
    port: described(
      Options.text("port").pipe(Options.withPseudoName("PORT"), Options.optional),
      "attach this existing free port of the project (id) instead of a new one"
    ),
    priority,
    idempotencyKey,
    onFailure,
    wait,
    dryRun
  },
  (flags) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", flags.server)
      const payload = yield* interfacePayload({
        network: Option.getOrUndefined(flags.network),
        fixedIp: Option.getOrUndefined(flags.fixedIp),
        securityGroups: flags.securityGroups,
        floatingIp: Option.getOrUndefined(flags.floatingIp),
        port: Option.getOrUndefined(flags.port),
        priority: Option.getOrUndefined(flags.priority)
      })
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.attachServerInterface({
          path: { id: serverId },
          payload: { ...payload, ...options },
          ...parts
        })
      )
    })
).pipe(
  Command.withDescription(
    "Attach a port to a server: a new one on --network (with its address and security groups), or an " +
      "existing one (--port); with a new floating IP if asked; undone entirely when any part fails."
  )
)

const remove = removeCommand({
  arg: { name: "PORT", what: "port", description: "the attached port's id" },
  description:
    "Detach a port from a server: its floating IPs Enamel made are released (others taken off), and the " +
    "port deleted if Enamel made it (a port you brought is kept).",
  detach: (client, serverId, portId, parts, options) =>
    client.api.porcelain.detachServerInterface({
      path: { id: serverId, port_id: portId },
      urlParams: { ...parts.urlParams, ...options },
      headers: parts.headers
    })
})

export const iface = Command.make("interface").pipe(
  Command.withDescription("A server's ports: add (attach) and remove (detach) them, each as a task."),
  Command.withSubcommands([add, remove])
)
