import { Schema } from "effect"
import { TaskId, TaskType } from "./Task.js"

/**
 * What travels on the broker (step 5 of the original design): which task, which flow, where it resumes
 * and how often it was restarted. The checkpoints in PostgreSQL stay the source of truth; this is a hint.
 * Never a token or secret: the worker fetches the task's key from Barbican by the task's reference.
 */
export const TaskMessage = Schema.Struct({
  taskId: TaskId,
  type: TaskType,
  /** The version of the type's flow the task was accepted for (messages from before versions: 1). */
  flowVersion: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 1 }),
  /** The stage path the last run stopped at, or null for a first run. */
  resumeFrom: Schema.NullOr(Schema.String),
  /** How many times the task was handed back and restarted. */
  restarts: Schema.Int.pipe(Schema.nonNegative())
})
export type TaskMessage = typeof TaskMessage.Type

export const TaskMessageJson = Schema.parseJson(TaskMessage)
