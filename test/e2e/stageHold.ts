/**
 * Holding a worker process at a chosen stage of a task, so that a test kills it exactly there, with no
 * sleeps: a trigger on the test database's `task_timeline` (test-only, in the throw-away database) makes
 * the write that records the stage's first attempt as SUCCEEDED wait for an advisory lock the test holds.
 * When the worker waits there, the stage has done its work in the cloud and the checkpoint that says so
 * is not on disk: the stage is in doubt, the hardest moment to die for a resume without duplicates.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { eventually } from "../support/poll.js"

/** Installs the table of holds and the trigger that honours them (once per test database). */
export const installStageHolds = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS test_stage_holds (type text NOT NULL, path text NOT NULL, lock_key bigint NOT NULL)`
  yield* sql.unsafe(`
    CREATE OR REPLACE FUNCTION test_hold_stage() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE held bigint;
    BEGIN
      IF NEW.phase = 'run' AND NEW.state = 'SUCCEEDED' AND NEW.attempt = 1 THEN
        SELECT h.lock_key INTO held FROM test_stage_holds h JOIN tasks t ON t.type = h.type
        WHERE t.id = NEW.task_id AND h.path = NEW.path;
        IF FOUND THEN PERFORM pg_advisory_xact_lock(held); END IF;
      END IF;
      RETURN NEW;
    END $$`)
  yield* sql.unsafe(`
    CREATE OR REPLACE TRIGGER test_hold_stage BEFORE INSERT ON task_timeline
    FOR EACH ROW EXECUTE FUNCTION test_hold_stage()`)
})

/** The database backends waiting for the hold's lock: the worker held at the stage. */
const waiters = (key: number) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ pid: number }>`
      SELECT pid FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = ${key} AND objsubid = 1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`
  )

export interface Held {
  /** The task held at the stage. */
  readonly taskId: string
  /** The worker holding the task's lease, i.e. the one waiting at the stage. */
  readonly worker: string
}

/**
 * Holds the first task of `type` that finishes stage `path` (its first attempt) until `whileHeld` has
 * run: `start` sends the call that makes the task (and returns its id), `whileHeld` gets the held task and
 * its worker (to kill it). The held database write is then cut off as the dead worker's would be
 * (`pg_terminate_backend`), so nothing of it is recorded, and the hold is removed. With `cutOff: false`
 * the write goes on instead and the worker carries on from there (to cancel the task while it is held).
 */
export const holdAt = <E1, R1, E2, R2>(
  type: string,
  path: string,
  start: Effect.Effect<string, E1, R1>,
  whileHeld: (held: Held) => Effect.Effect<void, E2, R2>,
  options: { readonly cutOff: boolean } = { cutOff: true }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const key = 1 + Math.floor(Math.random() * 2 ** 30)
    yield* sql`INSERT INTO test_stage_holds (type, path, lock_key) VALUES (${type}, ${path}, ${key})`
    const held = yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`SELECT pg_advisory_xact_lock(${key}::bigint)`
        const taskId = yield* start
        const [waiter] = yield* eventually(waiters(key), (rows) => rows.length > 0, {
          what: `task ${taskId} to be held after ${path}`,
          timeout: "2 minutes",
          every: "20 millis"
        })
        const [lease] = yield* sql<{ leaseOwner: string | null }>`
          SELECT lease_owner FROM tasks WHERE id = ${taskId}`
        const worker = lease?.leaseOwner ?? ""
        yield* whileHeld({ taskId, worker })
        if (waiter !== undefined && options.cutOff) yield* sql`SELECT pg_terminate_backend(${waiter.pid})`
        yield* sql`DELETE FROM test_stage_holds WHERE lock_key = ${key}`
        return { taskId, worker }
      })
    )
    return held
  })
