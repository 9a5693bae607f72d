import { PgClient } from "@effect/sql-pg"
import { ErrorCode, TaskId, TaskMessageJson, TaskType } from "@enamel/domain"
import { TraceContext } from "@enamel/telemetry"
import { Data, Effect, Schema } from "effect"
import { columns, OUTBOX_CHANNEL, Row, type TaskRecord, TaskStore, TaskStoreError } from "./TaskStore.js"
import * as TaskStateSql from "./taskStateSql.js"

/** Retry or rollback of a task that is not FAILED and held (`on_failure: "keep"`). */
export class TaskNotHeld extends Data.TaggedError("TaskNotHeld")<{
  readonly taskId: string
  readonly state: string
}> {
  readonly code = ErrorCode.taskNotHeld
  override get message() {
    return `task ${this.taskId} is ${this.state} and not held: only a FAILED task asked with on_failure "keep" can be retried or rolled back`
  }
}

const encodeMessage = Schema.encodeSync(TaskMessageJson)
const decodeRows = Schema.decodeUnknown(Schema.Array(Row))

/** What a user does with a held task: resume it from the failed stage, or undo what it made. */
export type HeldAction = "retry" | "rollback"

/**
 * Takes a held task up again (issue #20): `retry` moves it FAILED → RUNNING, `rollback` FAILED →
 * ROLLING_BACK, each only while `held`, and announces it through the outbox in the same statement, as
 * a new task is announced, so that a worker picks it up. A retry counts in `retries` (the worker starts
 * a new run of the flow by it) and starts the restarts afresh.
 */
export class HeldTasks extends Effect.Service<HeldTasks>()("@enamel/persistence/HeldTasks", {
  effect: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const store = yield* TaskStore
    const down = (cause: unknown) => new TaskStoreError({ cause })

    const takeUp = Effect.fn("HeldTasks.takeUp")(function* (
      action: HeldAction,
      id: string,
      projectId: string | undefined
    ) {
      const task: TaskRecord = yield* store.findByProject(id, projectId)
      if (task.state !== "FAILED" || !task.held)
        return yield* new TaskNotHeld({ taskId: id, state: task.state })
      const event = action === "retry" ? TaskStateSql.retry : TaskStateSql.rollback
      const message = encodeMessage({
        taskId: TaskId.make(task.id),
        type: TaskType.make(task.type),
        flowVersion: task.flowVersion,
        resumeFrom: null,
        restarts: 0
      })
      const retried = action === "retry" ? 1 : 0
      const [updated] = yield* sql`
        WITH moved AS (
          UPDATE tasks SET state = ${event.next}, held = false, retries = retries + ${retried},
            restarts = 0, ended_at = NULL, updated_at = now(),
            error = CASE WHEN ${retried} = 1 THEN NULL ELSE error END,
            result = CASE WHEN ${retried} = 1 THEN NULL ELSE result END
          WHERE id = ${id} AND held AND ${event.applies}
          RETURNING *
        ), queued AS (
          INSERT INTO task_outbox (task_id, routing_key, priority, payload, traceparent)
          SELECT id, type, priority, ${message}, ${yield* TraceContext.current} FROM moved
        )
        SELECT ${sql.literal(columns)} FROM moved`.pipe(
        Effect.flatMap((rows) => Effect.orDie(decodeRows(rows))),
        Effect.mapError(down)
      )
      // Another request took it up first.
      if (updated === undefined) {
        const now = yield* store.findByProject(id, projectId)
        return yield* new TaskNotHeld({ taskId: id, state: now.state })
      }
      // Wakes the relays of other processes (best effort: they also sweep).
      yield* Effect.ignore(sql`SELECT pg_notify(${OUTBOX_CHANNEL}, ${updated.type})`)
      return updated
    })

    return {
      retry: (id: string, projectId: string | undefined) => takeUp("retry", id, projectId),
      rollback: (id: string, projectId: string | undefined) => takeUp("rollback", id, projectId)
    } as const
  })
}) {}
