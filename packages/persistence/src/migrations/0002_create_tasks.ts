import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Tasks, and the outbox that hands each new task to the broker. A task's row and its outbox row are
 * written in one statement; the relay deletes an outbox row only once the broker confirmed it.
 * `key_ref` is the Barbican reference of the user's key, never a secret.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE tasks (
      id uuid PRIMARY KEY,
      type text NOT NULL,
      state text NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED')),
      project_id text NOT NULL,
      user_id text NOT NULL,
      priority smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
      params jsonb NOT NULL,
      result jsonb,
      error jsonb,
      key_ref text,
      idempotency_key text,
      request_hash text,
      cancel_requested_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      started_at timestamptz,
      ended_at timestamptz
    )`
  yield* sql`CREATE INDEX tasks_by_project ON tasks (project_id, created_at DESC, id DESC)`
  yield* sql`CREATE INDEX tasks_active_by_user ON tasks (project_id, user_id, created_at DESC, id DESC)
             WHERE state IN ('PENDING', 'RUNNING', 'CANCELLING')`
  yield* sql`CREATE UNIQUE INDEX tasks_idempotency ON tasks (project_id, user_id, idempotency_key)
             WHERE idempotency_key IS NOT NULL`
  yield* sql`
    CREATE TABLE task_outbox (
      id bigserial PRIMARY KEY,
      task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
      routing_key text NOT NULL,
      priority smallint NOT NULL,
      payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`
})
