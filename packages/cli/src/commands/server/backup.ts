import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { withClient } from "../../client.js"
import { enamel } from "../../globals.js"
import { parseId } from "../../input/ids.js"
import { backupPayload } from "../../input/serverBackup.js"
import { printBackups } from "../../render/backups.js"
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

/** `enamel server backup create|list|delete`: `server.backup`, `GET /servers/{id}/backups`, `server.backup.delete`. */

const create = Command.make(
  "create",
  {
    server: serverArg,
    name: described(Options.text("name").pipe(Options.withPseudoName("N")), "the backup's name"),
    rotation: described(
      Options.integer("rotation").pipe(Options.withPseudoName("K"), Options.optional),
      "keep the server's newest K backups (1–100, this one counts); older ones are deleted"
    ),
    volumes: described(
      Options.text("volumes").pipe(Options.withPseudoName("boot|all"), Options.optional),
      "the boot volume only, or every attached volume (the default)"
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
      const payload = yield* backupPayload({
        name: flags.name,
        rotation: Option.getOrUndefined(flags.rotation),
        volumes: Option.getOrUndefined(flags.volumes),
        priority: Option.getOrUndefined(flags.priority)
      })
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.backupServer({
          path: { id: serverId },
          payload: { ...payload, ...options },
          ...parts
        })
      )
    })
).pipe(
  Command.withDescription(
    "Back up a server's volumes: a Cinder snapshot of each (or of the boot volume only), as one set; " +
      "with --rotation, the server's sets beyond the newest K are deleted once the new one is available."
  )
)

const list = Command.make("list", { server: serverArg }, (flags) =>
  Effect.gen(function* () {
    const serverId = yield* parseId("server", flags.server)
    const { format } = yield* enamel
    yield* withClient((client) =>
      Effect.flatMap(client.api.servers.listServerBackups({ path: { id: serverId } }), (answer) =>
        printBackups(format, answer)
      )
    )
  })
).pipe(
  Command.withDescription(
    "List a server's backup sets read live from Cinder, newest first: name, time, and each snapshot with " +
      "its volume, device and status."
  )
)

const remove = removeCommand({
  name: "delete",
  arg: { name: "BACKUP", what: "backup", description: "the backup's id" },
  description: "Delete a server's backup set: every snapshot of it, waited for until gone.",
  detach: (client, serverId, backupId, parts, options) =>
    client.api.porcelain.deleteServerBackup({
      path: { id: serverId, backup_id: backupId },
      urlParams: { ...parts.urlParams, ...options },
      headers: parts.headers
    })
})

export const backup = Command.make("backup").pipe(
  Command.withDescription("A server's backups (sets of Cinder snapshots): create, list and delete them."),
  Command.withSubcommands([create, list, remove])
)
