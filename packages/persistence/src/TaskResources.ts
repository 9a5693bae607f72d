import type { Statement } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import { TaskState } from "@enamel/domain"
import * as TaskStateSql from "./taskStateSql.js"

/**
 * `GET /tasks?resource=ID`: the tasks that made, changed or deleted a resource. An ended task is found
 * by the ids kept with it when it ended (`resource_ids`, GIN-indexed; filled by the trigger of migration
 * 0008); an unfinished one (few, and each a few stages) by its params and its timeline's results, read
 * at query time, so the per-stage checkpoint writes are untouched. (A task that ended and runs again, a
 * retried one, is found both ways until it ends again and its ids are recomputed.)
 */
const unfinished = TaskStateSql.stateIn(TaskState.TaskState.literals.filter((s) => !TaskState.isTerminal(s)))

/** The ids are stored lower-case, as OpenStack writes them. */
export const normalise = (resourceId: string) => resourceId.toLowerCase()

/** The WHERE clause of the tasks that touched `resourceId`, whatever their state. */
export const touching = (sql: PgClient.PgClient, resourceId: string): Statement.Fragment => {
  const id = normalise(resourceId)
  const pattern = `%${id}%`
  return sql`(resource_ids @> ARRAY[${id}]::text[]
    OR (${unfinished}
        AND (lower(params::text) LIKE ${pattern}
             OR EXISTS (SELECT 1 FROM task_timeline t
                        WHERE t.task_id = tasks.id AND lower(t.result::text) LIKE ${pattern}))))`
}
