import { PgClient } from "@effect/sql-pg"
import { TaskId, TaskMessageJson, TaskType } from "@enamel/domain"
import { Effect, Schema } from "effect"
import { TaskStoreError } from "./TaskStore.js"
import * as TaskStateSql from "./taskStateSql.js"

const Unannounced = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  flowVersion: Schema.Int,
  priority: Schema.Number,
  restarts: Schema.Int
})
const encodeMessage = Schema.encodeSync(TaskMessageJson)

/**
 * For a broker that forgets its messages when the process stops (the embedded mode's, in memory): at
 * start, every unfinished task without an outbox row is announced again through the outbox. With
 * `releaseLeases`, the leases of the process that stopped are released first, so its tasks resume at
 * once instead of after their lease expires; the fence still grows with the next claim, and the claim
 * counts as a restart. Only for a database no other worker uses (the embedded data dir is locked to
 * one process): a live worker's lease must never be released.
 */
export const reannounceUnfinished = (options: { readonly releaseLeases: boolean }) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        if (options.releaseLeases) {
          yield* sql`UPDATE tasks SET lease_owner = NULL, lease_expires_at = NULL
                     WHERE ${TaskStateSql.unfinished} AND lease_owner IS NOT NULL`
        }
        const tasks = yield* sql`
          SELECT id::text, type, flow_version, priority, restarts FROM tasks t
          WHERE ${TaskStateSql.unfinished}
            AND NOT EXISTS (SELECT 1 FROM task_outbox o WHERE o.task_id = t.id)`.pipe(
          Effect.flatMap((rows) => Effect.orDie(Schema.decodeUnknown(Schema.Array(Unannounced))(rows)))
        )
        if (tasks.length === 0) return 0
        yield* sql`INSERT INTO task_outbox ${sql.insert(
          tasks.map((task) => ({
            taskId: task.id,
            routingKey: task.type,
            priority: task.priority,
            payload: encodeMessage({
              taskId: TaskId.make(task.id),
              type: TaskType.make(task.type),
              flowVersion: task.flowVersion,
              resumeFrom: null,
              restarts: task.restarts
            })
          }))
        )}`
        return tasks.length
      })
    )
  }).pipe(
    Effect.mapError((cause) => new TaskStoreError({ cause })),
    Effect.withSpan("Reannounce.reannounceUnfinished")
  )
