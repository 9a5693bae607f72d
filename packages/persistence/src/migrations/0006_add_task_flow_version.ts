import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * A task records the version of its type's flow it was accepted for; a worker runs that version, so a
 * task in flight when Enamel is upgraded resumes with the stages it started with. Tasks from before
 * versions were counted ran version 1.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE tasks ADD COLUMN flow_version integer NOT NULL DEFAULT 1 CHECK (flow_version > 0)`
})
