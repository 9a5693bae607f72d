import { Args, Command } from "@effect/cli"
import { Effect } from "effect"
import { withClient } from "../../client.js"
import { parseId } from "../../input/ids.js"
import { accepted, idempotencyHeaders, idempotencyKey, wait } from "./shared.js"

/** `enamel server delete ID [--wait]`. */
export const del = Command.make(
  "delete",
  { id: Args.text({ name: "ID" }).pipe(Args.withDescription("the server's id")), idempotencyKey, wait },
  (flags) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", flags.id)
      const headers = yield* idempotencyHeaders(flags.idempotencyKey)
      yield* withClient((client) =>
        Effect.gen(function* () {
          const answer = yield* client.api.porcelain.deleteServer({ path: { id: serverId }, headers })
          yield* accepted(client, answer.task, flags.wait)
        })
      )
    })
).pipe(
  Command.withDescription(
    "Delete a server and everything Enamel made for it (boot volume, volumes, ports, floating IPs), as one task."
  )
)
