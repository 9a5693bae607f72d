import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Callbacks (the `Enamel-Callback-*` headers of a task-creating request). `task_callbacks`: one row per
 * task that asked for them, with the URL, the secret sealed under the deployment's master key (never in
 * clear), whether stage events were asked for, and how far the dispatcher has turned the task's timeline
 * into deliveries (`cursor`, a timeline seq; `ended_seen`, the `ended_at` of the last task.ended made).
 * `callback_deliveries`: the outbox of POSTs, one row per event (unique per task and event, so a re-scan
 * makes none twice), with its exact body (a retry sends the same bytes, so the same signature), retried
 * until delivered or `give_up_at`. Both go with their task (retention).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE task_callbacks (
      task_id uuid PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
      url text NOT NULL,
      sealed_secret text NOT NULL,
      stages boolean NOT NULL,
      cursor bigint NOT NULL DEFAULT 0,
      ended_seen timestamptz,
      closed boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`CREATE INDEX task_callbacks_open ON task_callbacks (task_id) WHERE NOT closed`
  yield* sql`
    CREATE TABLE callback_deliveries (
      id uuid PRIMARY KEY,
      task_id uuid NOT NULL REFERENCES task_callbacks (task_id) ON DELETE CASCADE,
      event_key text NOT NULL,
      event text NOT NULL CHECK (event IN ('task.ended', 'stage.ended')),
      body text NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'given_up', 'refused')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      give_up_at timestamptz NOT NULL,
      last_status integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      UNIQUE (task_id, event_key)
    )`
  yield* sql`CREATE INDEX callback_deliveries_due ON callback_deliveries (next_attempt_at) WHERE state = 'pending'`
})
