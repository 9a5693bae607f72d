import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { parseId } from "../../input/ids.js"
import { floatingIpPayload } from "../../input/serverAttach.js"
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

/** `enamel server floating-ip add|remove`: `server.floating_ip.attach` and `server.floating_ip.detach`. */

const add = Command.make(
  "add",
  {
    server: serverArg,
    network: described(
      Options.text("network").pipe(Options.withPseudoName("EXTERNAL_NET")),
      "the external network (name or id) to take the floating IP from"
    ),
    port: described(
      Options.text("port").pipe(Options.withPseudoName("PORT"), Options.optional),
      "the server's port to put it on (default: its first port without a floating IP)"
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
      const payload = yield* floatingIpPayload({
        network: flags.network,
        port: Option.getOrUndefined(flags.port),
        priority: Option.getOrUndefined(flags.priority)
      })
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.attachServerFloatingIp({
          path: { id: serverId },
          payload: { ...payload, ...options },
          ...parts
        })
      )
    })
).pipe(
  Command.withDescription(
    "Allocate a floating IP from EXTERNAL_NET and put it on a port of the server; released again when that fails."
  )
)

const remove = removeCommand({
  arg: { name: "FLOATING_IP", what: "floating IP", description: "the floating IP's id" },
  description:
    "Take a floating IP off the server, and release it if Enamel made it (one you brought is kept).",
  detach: (client, serverId, floatingIpId, parts, options) =>
    client.api.porcelain.detachServerFloatingIp({
      path: { id: serverId, floating_ip_id: floatingIpId },
      urlParams: { ...parts.urlParams, ...options },
      headers: parts.headers
    })
})

export const floatingIp = Command.make("floating-ip").pipe(
  Command.withDescription("A server's floating IPs: add and remove them, each as a task."),
  Command.withSubcommands([add, remove])
)
