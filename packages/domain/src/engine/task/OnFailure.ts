import { Schema } from "effect"

/**
 * What a task does when a stage fails for good: `rollback` (the default) undoes what it made and ends
 * FAILED; `keep` undoes nothing and ends FAILED and *held*, naming the failed stage, until a user
 * retries it (`POST /tasks/{id}/retry`: on from the failed stage) or rolls it back
 * (`POST /tasks/{id}/rollback`). A task-level option, stored beside the task, never in the flow's params.
 */
export const OnFailure = Schema.Literal("rollback", "keep")
export type OnFailure = typeof OnFailure.Type

export const defaultOnFailure: OnFailure = "rollback"
