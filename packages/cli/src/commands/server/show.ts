import { Args, Command } from "@effect/cli"
import { Effect } from "effect"
import { withClient } from "../../client.js"
import { enamel } from "../../globals.js"
import { parseId } from "../../input/ids.js"
import { printServer } from "../../render/server.js"

/** `enamel server show SERVER`: `GET /servers/{id}`, a read (no task). */
export const show = Command.make(
  "show",
  { server: Args.text({ name: "SERVER" }).pipe(Args.withDescription("the server's id")) },
  (flags) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", flags.server)
      const { format } = yield* enamel
      yield* withClient((client) =>
        Effect.flatMap(client.api.servers.getServer({ path: { id: serverId } }), (answer) =>
          printServer(format, answer)
        )
      )
    })
).pipe(
  Command.withDescription(
    "Show a server read live from the cloud: status, flavor, image, its volumes with devices, its ports " +
      "with fixed IPs, security groups and floating IPs, and the task that made each (- when Enamel did not)."
  )
)
