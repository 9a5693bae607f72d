import { Data, Schema } from "effect"
import { ErrorCode } from "../ErrorCatalogue.js"

/** The description of a failure that is stored and shown to users: what, where, and the cloud's words. */
export const ErrorInfo = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  stage: Schema.optionalWith(Schema.String, { exact: true })
})
export type ErrorInfo = typeof ErrorInfo.Type

export class InvalidTaskTransition extends Schema.TaggedError<InvalidTaskTransition>()(
  "InvalidTaskTransition",
  { from: Schema.String, to: Schema.String },
  { description: "A task state change that the state machine does not allow" }
) {
  readonly code = ErrorCode.taskInvalidTransition
  override get message(): string {
    return `task cannot go from ${this.from} to ${this.to}`
  }
}

export class TaskNotFound extends Schema.TaggedError<TaskNotFound>()("TaskNotFound", {
  taskId: Schema.String
}) {
  readonly code = ErrorCode.taskNotFound
  override get message(): string {
    return `task ${this.taskId} not found`
  }
}

/** The checkpoint store could not be read or written: the run stops, untouched, to be resumed later. */
export class CheckpointError extends Data.TaggedError("CheckpointError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

const hasString = (u: object, key: string): string | undefined => {
  const value: unknown = Reflect.get(u, key)
  return typeof value === "string" && value.length > 0 ? value : undefined
}

/** Describes any stage failure as ErrorInfo, keeping the error's own code and message where it has them. */
export const describeError = (error: unknown, stage?: string): ErrorInfo => {
  const base =
    typeof error === "object" && error !== null
      ? {
          code: hasString(error, "code") ?? ErrorCode.stageFailed,
          message: hasString(error, "message") ?? hasString(error, "_tag") ?? String(error)
        }
      : { code: ErrorCode.stageFailed, message: String(error) }
  return stage === undefined ? base : { ...base, stage }
}
