import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Per user and project, the Barbican reference of their current key (an application credential kept
 * in Barbican) and when it expires. Never the credential itself.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE user_keys (
      project_id text NOT NULL,
      user_id text NOT NULL,
      secret_ref text NOT NULL,
      credential_id text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project_id, user_id)
    )`
})
