import { Command, Options } from "@effect/cli"
import { ServerResize } from "@enamel/domain/flows"
import { Effect, Option } from "effect"
import { parseId } from "../../input/ids.js"
import { checked, defined } from "../../input/serverAttach.js"
import { described, dryRun, idempotencyKey, onFailure, priority, serverArg, submit, wait } from "./shared.js"

/** `enamel server resize SERVER --flavor F`: `server.resize`. */
export const resize = Command.make(
  "resize",
  {
    server: serverArg,
    flavor: described(
      Options.text("flavor").pipe(Options.withPseudoName("F")),
      "the new flavor (name or id)"
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
      const payload = yield* checked(
        ServerResize.ResizeServerBody,
        { flavor: "--flavor", priority: "--priority" },
        { flavor: flags.flavor, ...defined("priority", Option.getOrUndefined(flags.priority)) }
      )
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.resizeServer({
          path: { id: serverId },
          payload: { ...payload, ...options },
          ...parts
        })
      )
    })
).pipe(
  Command.withDescription(
    "Resize a server to another flavor: resized, confirmed, and back in its state (ACTIVE or SHUTOFF) on " +
      "the new flavor; reverted to its old flavor when anything fails before the confirm."
  )
)
