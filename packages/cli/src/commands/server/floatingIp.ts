import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { withClient } from "../../client.js"
import { parseId } from "../../input/ids.js"
import { floatingIpPayload } from "../../input/serverAttach.js"
import { accepted, described, idempotencyHeaders, idempotencyKey, priority, wait } from "./shared.js"

/** `enamel server floating-ip add|remove`: `server.floating_ip.attach` and `server.floating_ip.detach`. */

const serverArg = Args.text({ name: "SERVER" }).pipe(Args.withDescription("the server's id"))

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
    wait
  },
  (flags) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", flags.server)
      const payload = yield* floatingIpPayload({
        network: flags.network,
        port: Option.getOrUndefined(flags.port),
        priority: Option.getOrUndefined(flags.priority)
      })
      const headers = yield* idempotencyHeaders(flags.idempotencyKey)
      yield* withClient((client) =>
        Effect.gen(function* () {
          const answer = yield* client.api.porcelain.attachServerFloatingIp({
            path: { id: serverId },
            payload,
            headers
          })
          yield* accepted(client, answer.task, flags.wait)
        })
      )
    })
).pipe(
  Command.withDescription(
    "Allocate a floating IP from EXTERNAL_NET and put it on a port of the server; released again when that fails."
  )
)

const remove = Command.make(
  "remove",
  {
    server: serverArg,
    floatingIp: Args.text({ name: "FLOATING_IP" }).pipe(Args.withDescription("the floating IP's id")),
    idempotencyKey,
    wait
  },
  (flags) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", flags.server)
      const floatingIpId = yield* parseId("floating IP", flags.floatingIp)
      const headers = yield* idempotencyHeaders(flags.idempotencyKey)
      yield* withClient((client) =>
        Effect.gen(function* () {
          const answer = yield* client.api.porcelain.detachServerFloatingIp({
            path: { id: serverId, floating_ip_id: floatingIpId },
            headers
          })
          yield* accepted(client, answer.task, flags.wait)
        })
      )
    })
).pipe(
  Command.withDescription(
    "Take a floating IP off the server, and release it if Enamel made it (one you brought is kept)."
  )
)

export const floatingIp = Command.make("floating-ip").pipe(
  Command.withDescription("A server's floating IPs: add and remove them, each as a task."),
  Command.withSubcommands([add, remove])
)
