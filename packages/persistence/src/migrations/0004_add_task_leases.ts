import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Exactly one worker runs a task at a time: it holds a lease (owner, expiry) and a fence number that
 * grows with every claim. Writes for the task carry the fence, so a worker that lost its lease (paused,
 * partitioned) cannot write over the one that took over.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE tasks ADD COLUMN lease_owner text`
  yield* sql`ALTER TABLE tasks ADD COLUMN lease_expires_at timestamptz`
  yield* sql`ALTER TABLE tasks ADD COLUMN fence bigint NOT NULL DEFAULT 0`
  yield* sql`ALTER TABLE tasks ADD COLUMN restarts integer NOT NULL DEFAULT 0`
})
