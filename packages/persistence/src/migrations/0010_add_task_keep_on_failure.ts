import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Keep, then retry or roll back (issue #20). A task asked with `on_failure: "keep"` does not undo what
 * it made when a stage fails: it ends FAILED and `held`, until a user retries it (back to RUNNING, from
 * the failed stage) or rolls it back (ROLLING_BACK, then ROLLED_BACK). `retries` counts the retries: a
 * worker tells a retried run from a resumed one by it (the flow's timeline entry counts runs too).
 * Task-level options, not the flow's params: those are frozen per flow version.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE tasks DROP CONSTRAINT tasks_state_check`
  yield* sql`ALTER TABLE tasks ADD CONSTRAINT tasks_state_check CHECK (state IN ('PENDING', 'RUNNING',
    'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED', 'ROLLING_BACK', 'ROLLED_BACK'))`
  yield* sql`ALTER TABLE tasks ADD COLUMN on_failure text NOT NULL DEFAULT 'rollback'
    CHECK (on_failure IN ('rollback', 'keep'))`
  yield* sql`ALTER TABLE tasks ADD COLUMN held boolean NOT NULL DEFAULT false`
  yield* sql`ALTER TABLE tasks ADD COLUMN retries integer NOT NULL DEFAULT 0 CHECK (retries >= 0)`
})
