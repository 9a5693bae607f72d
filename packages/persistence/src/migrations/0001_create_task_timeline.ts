import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** One row per attempt of a stage, an undo, or the flow as a whole; `seq` orders every write. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE SEQUENCE task_timeline_seq`
  yield* sql`
    CREATE TABLE task_timeline (
      task_id uuid NOT NULL,
      phase text NOT NULL CHECK (phase IN ('run', 'compensate', 'flow')),
      path text NOT NULL,
      attempt integer NOT NULL CHECK (attempt > 0),
      state text NOT NULL,
      seq bigint NOT NULL DEFAULT nextval('task_timeline_seq'),
      started_at timestamptz NOT NULL,
      ended_at timestamptz,
      duration_ms double precision,
      result jsonb,
      error jsonb,
      detail jsonb NOT NULL,
      PRIMARY KEY (task_id, phase, path, attempt)
    )`
  yield* sql`CREATE INDEX task_timeline_by_seq ON task_timeline (task_id, seq)`
})
