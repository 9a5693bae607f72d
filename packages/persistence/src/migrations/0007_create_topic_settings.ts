import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Tuning a fleet of workers: the desired concurrency and pause of each topic, which every worker applies
 * (`revision` grows with every change, so a worker applies each change once and leaves alone what the
 * per-worker admin RPC did in between), and each worker's report of what it really runs. A worker's rows
 * are keyed by (worker, topic) and replaced at every beat; a row past `stale_at` is a worker that stopped
 * reporting, and is removed a while later by another worker's beat.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE topic_settings (
      topic text PRIMARY KEY,
      concurrency integer NOT NULL CHECK (concurrency BETWEEN 1 AND 10000),
      paused boolean NOT NULL DEFAULT false,
      revision bigint NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL
    )`
  yield* sql`
    CREATE TABLE worker_heartbeats (
      worker_id text NOT NULL,
      topic text NOT NULL,
      concurrency integer NOT NULL,
      running integer NOT NULL,
      paused boolean NOT NULL,
      beat_at timestamptz NOT NULL,
      stale_at timestamptz NOT NULL,
      PRIMARY KEY (worker_id, topic)
    )`
  yield* sql`CREATE INDEX worker_heartbeats_by_stale_at ON worker_heartbeats (stale_at)`
})
