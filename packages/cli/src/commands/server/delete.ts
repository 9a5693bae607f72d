import { Args, Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { parseId } from "../../input/ids.js"
import { described, dryRun, idempotencyKey, onFailure, submit, wait } from "./shared.js"

const deleteBackups = described(
  Options.boolean("delete-backups"),
  "delete the server's backups first (without it, a server with backups is refused)"
)

/** `enamel server delete ID [--delete-backups] [--wait]`. */
export const del = Command.make(
  "delete",
  {
    id: Args.text({ name: "ID" }).pipe(Args.withDescription("the server's id")),
    deleteBackups,
    idempotencyKey,
    onFailure,
    wait,
    dryRun
  },
  (flags) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", flags.id)
      // Only when asked: the request without the flag stays the same as before it existed.
      const urlParams = flags.deleteBackups ? { delete_backups: true } : {}
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.deleteServer({
          path: { id: serverId },
          urlParams: { ...parts.urlParams, ...urlParams, ...options },
          headers: parts.headers
        })
      )
    })
).pipe(
  Command.withDescription(
    "Delete a server and everything Enamel made for it (boot volume, volumes, ports, floating IPs), as one " +
      "task; with --delete-backups its backups first."
  )
)
