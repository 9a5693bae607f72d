import { Schema } from "effect"
import { ErrorInfo } from "../errors.js"
import { OnFailure } from "./OnFailure.js"
import { TaskState } from "./TaskState.js"

export const TaskId = Schema.UUID.pipe(Schema.brand("TaskId"))
export type TaskId = typeof TaskId.Type

/** A task type is also the routing key its messages are published with, e.g. `server.create`. */
export const TaskType = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/),
  Schema.brand("TaskType")
)
export type TaskType = typeof TaskType.Type

/** 0 (lowest) to 9 (highest), as RabbitMQ's `x-max-priority` queues order them. */
export const TaskPriority = Schema.Int.pipe(Schema.between(0, 9))

/** JSON as it is stored: params and results are Schema-encoded by their flow, never secrets. */
export const Json = Schema.Unknown

/** The only stateful object Enamel has. */
export const Task = Schema.Struct({
  id: TaskId,
  type: TaskType,
  /** The version of its type's flow the task was accepted for, and is run by. */
  flowVersion: Schema.Int,
  state: TaskState,
  projectId: Schema.String,
  userId: Schema.String,
  priority: TaskPriority,
  params: Json,
  result: Schema.NullOr(Json),
  error: Schema.NullOr(ErrorInfo),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  startedAt: Schema.NullOr(Schema.DateTimeUtc),
  endedAt: Schema.NullOr(Schema.DateTimeUtc),
  /** What the task does when a stage fails for good (see OnFailure.ts). */
  onFailure: OnFailure,
  /** FAILED with what it made kept (`keep`): a retry or a rollback may take it up again. */
  held: Schema.Boolean
})
export type Task = typeof Task.Type
