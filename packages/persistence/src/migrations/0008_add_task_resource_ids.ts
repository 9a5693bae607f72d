import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `GET /tasks?resource=ID`: the ids of the resources a task made, changed or deleted, kept with the task
 * when it ends: every UUID in its params, its result and its stages' results (Enamel's stages return
 * the ids of what they made or found), but its own id. A trigger fills the column in the write that
 * ends the task (whichever statement ends it: finish, cancel, …), so no code path can forget it and the
 * per-stage checkpoint writes are untouched. An unfinished task has none yet: the query searches its
 * params and timeline (see TaskResources.ts). Tasks that ended before this migration are filled here.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE tasks ADD COLUMN resource_ids text[]`
  yield* sql.unsafe(`
    CREATE FUNCTION enamel_task_resource_ids(task uuid, params jsonb, result jsonb) RETURNS text[]
    LANGUAGE sql STABLE AS $$
      SELECT coalesce(array_agg(DISTINCT m[1]), '{}')
      FROM regexp_matches(
        lower(concat_ws(' ', params::text, result::text,
                        (SELECT string_agg(t.result::text, ' ') FROM task_timeline t
                         WHERE t.task_id = task AND t.result IS NOT NULL))),
        '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', 'g') AS m
      WHERE m[1] <> task::text
    $$`)
  yield* sql.unsafe(`
    CREATE FUNCTION enamel_task_ended() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.ended_at IS NOT NULL AND (NEW.state IS DISTINCT FROM OLD.state OR OLD.ended_at IS NULL) THEN
        NEW.resource_ids := enamel_task_resource_ids(NEW.id, NEW.params, NEW.result);
      END IF;
      RETURN NEW;
    END
    $$`)
  yield* sql.unsafe(`
    CREATE TRIGGER tasks_resource_ids BEFORE UPDATE OF state, ended_at ON tasks
    FOR EACH ROW EXECUTE FUNCTION enamel_task_ended()`)
  yield* sql`UPDATE tasks SET resource_ids = enamel_task_resource_ids(id, params, result)
             WHERE ended_at IS NOT NULL`
  yield* sql`CREATE INDEX tasks_by_resource ON tasks USING gin (resource_ids)`
  // Retention (TaskRetention.ts) finds the tasks that ended long ago by this.
  yield* sql`CREATE INDEX tasks_by_ended_at ON tasks (ended_at) WHERE ended_at IS NOT NULL`
})
