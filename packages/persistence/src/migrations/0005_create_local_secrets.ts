import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The local key store's secrets (where no Barbican is configured): each sealed with AES-256-GCM under
 * a master key kept in a file, never in the database. `sealed` is the nonce, tag and ciphertext.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE local_secrets (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      sealed text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`
})
