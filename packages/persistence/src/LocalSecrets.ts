import { PgClient } from "@effect/sql-pg"
import { Effect, Option } from "effect"
import { TaskStoreError } from "./TaskStore.js"

/** The local key store's sealed secrets, by id. Sealing and unsealing happen in @enamel/keys. */
export class LocalSecrets extends Effect.Service<LocalSecrets>()("@enamel/persistence/LocalSecrets", {
  effect: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const down = (cause: unknown) => new TaskStoreError({ cause })

    const insert = (id: string, name: string, sealed: string) =>
      sql`INSERT INTO local_secrets (id, name, sealed) VALUES (${id}, ${name}, ${sealed})`.pipe(
        Effect.asVoid,
        Effect.mapError(down)
      )

    const find = (id: string) =>
      sql<{ sealed: string }>`SELECT sealed FROM local_secrets WHERE id = ${id}`.pipe(
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.sealed)),
        Effect.mapError(down)
      )

    const remove = (id: string) =>
      sql`DELETE FROM local_secrets WHERE id = ${id}`.pipe(Effect.asVoid, Effect.mapError(down))

    return { insert, find, remove } as const
  })
}) {}
