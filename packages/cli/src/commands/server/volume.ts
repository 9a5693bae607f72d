import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { parseId } from "../../input/ids.js"
import { volumePayload } from "../../input/serverAttach.js"
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

/** `enamel server volume add|remove`: `server.volume.attach` and `server.volume.detach`. */

const add = Command.make(
  "add",
  {
    server: serverArg,
    size: described(
      Options.integer("size").pipe(Options.withPseudoName("GB"), Options.optional),
      "a new volume of this size (1–16384 GB), created for the server (deleted when it is removed)"
    ),
    name: described(Options.text("name").pipe(Options.optional), "the new volume's name"),
    type: described(Options.text("type").pipe(Options.optional), "the new volume's type (name or id)"),
    image: described(
      Options.text("image").pipe(Options.optional),
      "make the new volume from this image (name or id)"
    ),
    snapshot: described(
      Options.text("snapshot").pipe(Options.optional),
      "make the new volume from this snapshot (id), such as a backup's; alone, the volume is its size"
    ),
    volume: described(
      Options.text("volume").pipe(Options.optional),
      "attach this existing volume of the project (id) as it is, instead of a new one"
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
      const payload = yield* volumePayload({
        size: Option.getOrUndefined(flags.size),
        name: Option.getOrUndefined(flags.name),
        type: Option.getOrUndefined(flags.type),
        image: Option.getOrUndefined(flags.image),
        snapshot: Option.getOrUndefined(flags.snapshot),
        volume: Option.getOrUndefined(flags.volume),
        priority: Option.getOrUndefined(flags.priority)
      })
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.attachServerVolume({
          path: { id: serverId },
          payload: { ...payload, ...options },
          ...parts
        })
      )
    })
).pipe(
  Command.withDescription(
    "Attach a volume to a server: a new one (--size, empty or from --image; or from --snapshot), created and " +
      "waited for, or an existing one (--volume); undone entirely when any part fails."
  )
)

const remove = removeCommand({
  arg: { name: "VOLUME", what: "volume", description: "the attached volume's id" },
  description:
    "Detach a volume from a server, and delete it if Enamel made it (a volume you brought is kept). " +
    "The boot volume is refused.",
  detach: (client, serverId, volumeId, parts, options) =>
    client.api.porcelain.detachServerVolume({
      path: { id: serverId, volume_id: volumeId },
      urlParams: { ...parts.urlParams, ...options },
      headers: parts.headers
    })
})

export const volume = Command.make("volume").pipe(
  Command.withDescription("A server's volumes: add (attach) and remove (detach) them, each as a task."),
  Command.withSubcommands([add, remove])
)
