import { Command, Options } from "@effect/cli"
import { ServerRebuild } from "@enamel/domain/flows"
import { Effect, Option } from "effect"
import { parseId } from "../../input/ids.js"
import { checked, defined } from "../../input/serverAttach.js"
import { described, dryRun, idempotencyKey, onFailure, priority, serverArg, submit, wait } from "./shared.js"

/** `enamel server rebuild SERVER --image I`: `server.rebuild`. */
export const rebuild = Command.make(
  "rebuild",
  {
    server: serverArg,
    image: described(
      Options.text("image").pipe(Options.withPseudoName("I")),
      "the image of the new root (name or id)"
    ),
    keyName: described(
      Options.text("key-name").pipe(Options.withPseudoName("K"), Options.optional),
      "an existing keypair to put on the server instead of its own"
    ),
    userData: described(
      Options.fileText("user-data").pipe(Options.optional),
      "user data (e.g. cloud-config) from this file, instead of the server's own"
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
        ServerRebuild.RebuildBody,
        { image: "--image", keypair: "--key-name", user_data: "--user-data", priority: "--priority" },
        {
          image: flags.image,
          ...defined("keypair", Option.getOrUndefined(flags.keyName)),
          ...defined("user_data", Option.getOrUndefined(Option.map(flags.userData, ([, text]) => text))),
          ...defined("priority", Option.getOrUndefined(flags.priority))
        }
      )
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.rebuildServer({
          path: { id: serverId },
          payload: { ...payload, ...options },
          ...parts
        })
      )
    })
).pipe(
  Command.withDescription(
    "Rebuild a volume-backed server from an image: a fresh root volume, the same ports and addresses. " +
      "Nova's rebuild where the cloud offers 2.93 and Cinder's reimage (path rebuild, the same server); " +
      "elsewhere by replacement (path replace: a new server id, the old root deleted or, when backups " +
      "depend on it, kept). With --wait it shows the path and the server."
  )
)
