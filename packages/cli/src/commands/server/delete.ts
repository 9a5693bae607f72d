import { Args, Command } from "@effect/cli"
import { Effect } from "effect"
import { parseId } from "../../input/ids.js"
import { idempotencyKey, submit, wait } from "./shared.js"

/** `enamel server delete ID [--wait]`. */
export const del = Command.make(
  "delete",
  { id: Args.text({ name: "ID" }).pipe(Args.withDescription("the server's id")), idempotencyKey, wait },
  (flags) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", flags.id)
      yield* submit(flags, (client, headers) =>
        client.api.porcelain.deleteServer({ path: { id: serverId }, headers })
      )
    })
).pipe(
  Command.withDescription(
    "Delete a server and everything Enamel made for it (boot volume, volumes, ports, floating IPs), as one task."
  )
)
