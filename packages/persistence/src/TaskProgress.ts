import { PgClient } from "@effect/sql-pg"
import { Effect } from "effect"
import { TaskStoreError } from "./TaskStore.js"

/**
 * How many stages each task has finished: the distinct stage paths with a SUCCEEDED run in its
 * timeline. One statement for any number of tasks (a page of `GET /tasks`), on the timeline's
 * (task_id, seq) index.
 */
export class TaskProgress extends Effect.Service<TaskProgress>()("@enamel/persistence/TaskProgress", {
  effect: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const stagesDone = Effect.fn("TaskProgress.stagesDone")(function* (taskIds: ReadonlyArray<string>) {
      if (taskIds.length === 0) return new Map<string, number>()
      const rows = yield* sql<{ taskId: string; done: number }>`
        SELECT task_id::text, count(DISTINCT path)::integer AS done FROM task_timeline
        WHERE task_id = ANY(${taskIds}::uuid[]) AND phase = 'run' AND state = 'SUCCEEDED'
        GROUP BY task_id`.pipe(Effect.mapError((cause) => new TaskStoreError({ cause })))
      return new Map(rows.map((row) => [row.taskId, row.done]))
    })
    return { stagesDone } as const
  })
}) {}
