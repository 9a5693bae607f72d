import { PgClient } from "@effect/sql-pg"
import { Effect, Option, Schema } from "effect"
import { TaskStoreError } from "./TaskStore.js"

const Row = Schema.Struct({
  secretRef: Schema.String,
  credentialId: Schema.String,
  expiresAt: Schema.DateTimeUtcFromDate
})
export type UserKeyRef = typeof Row.Type

/**
 * Where each user's current key is (the key store's reference), per project. `whileLocked` serialises key
 * creation for one user and project across every API process, so two first requests make one key.
 */
export class UserKeyRefs extends Effect.Service<UserKeyRefs>()("@enamel/persistence/UserKeyRefs", {
  effect: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const down = (cause: unknown) => new TaskStoreError({ cause })
    const decode = Schema.decodeUnknown(Schema.Array(Row))

    const find = (projectId: string, userId: string) =>
      sql`SELECT secret_ref, credential_id, expires_at FROM user_keys
          WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(
        Effect.flatMap((rows) => Effect.orDie(decode(rows))),
        Effect.map((rows) => Option.fromNullable(rows[0])),
        Effect.mapError(down)
      )

    const save = (projectId: string, userId: string, key: UserKeyRef) =>
      sql`INSERT INTO user_keys (project_id, user_id, secret_ref, credential_id, expires_at)
          VALUES (${projectId}, ${userId}, ${key.secretRef}, ${key.credentialId}, ${new Date(key.expiresAt.epochMillis)})
          ON CONFLICT (project_id, user_id) DO UPDATE SET secret_ref = excluded.secret_ref,
            credential_id = excluded.credential_id, expires_at = excluded.expires_at, created_at = now()`.pipe(
        Effect.asVoid,
        Effect.mapError(down)
      )

    /** Drops the reference to a key found gone, so the user's next request makes a new one. */
    const forget = (secretRef: string) =>
      sql`DELETE FROM user_keys WHERE secret_ref = ${secretRef}`.pipe(Effect.asVoid, Effect.mapError(down))

    const whileLocked = <A, E, R>(projectId: string, userId: string, self: Effect.Effect<A, E, R>) =>
      sql
        .withTransaction(
          Effect.zipRight(
            Effect.mapError(sql`SELECT pg_advisory_xact_lock(hashtext(${`${projectId}/${userId}`}))`, down),
            self
          )
        )
        .pipe(Effect.catchTag("SqlError", (e) => Effect.fail(down(e))))

    return { find, save, forget, whileLocked } as const
  })
}) {}
