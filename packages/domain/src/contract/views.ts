import { Schema } from "effect"
import { ErrorInfo } from "../engine/errors.js"
import { OnFailure } from "../engine/task/OnFailure.js"
import { TaskState } from "../engine/task/TaskState.js"
import { EntryPhase, EntryState } from "../engine/task/TimelineEntry.js"

const Link = Schema.Struct({ rel: Schema.String, href: Schema.String })

/** One attempt of one stage, as `GET /tasks/{id}` shows it. */
export const TimelineEntryView = Schema.Struct({
  stage: Schema.String,
  phase: EntryPhase,
  state: EntryState,
  attempt: Schema.Int,
  started_at: Schema.String,
  ended_at: Schema.NullOr(Schema.String),
  duration_ms: Schema.NullOr(Schema.Number),
  error: Schema.NullOr(ErrorInfo),
  request_ids: Schema.Array(Schema.String)
})
export type TimelineEntryView = typeof TimelineEntryView.Type

export const TaskView = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  /** The version of its type's flow the task runs (it keeps it across restarts and upgrades). */
  flow_version: Schema.Int,
  state: TaskState,
  project_id: Schema.String,
  user_id: Schema.String,
  priority: Schema.Int,
  params: Schema.Unknown,
  result: Schema.Unknown,
  error: Schema.NullOr(ErrorInfo),
  created_at: Schema.String,
  updated_at: Schema.String,
  started_at: Schema.NullOr(Schema.String),
  ended_at: Schema.NullOr(Schema.String),
  links: Schema.Array(Link),
  /**
   * Stages finished (SUCCEEDED) so far, and how many the task runs in all where its flow can say: the
   * stages on its checklist when none repeats per item (an upper bound: a stage with nothing to do is
   * skipped), `done` once the task succeeded; null for a flow whose stages repeat per server, NIC, …
   */
  progress: Schema.Struct({ done: Schema.Int, total: Schema.NullOr(Schema.Int) }),
  /** What the task does when a stage fails for good: `rollback` (undo all) or `keep`. */
  on_failure: OnFailure,
  /**
   * FAILED with what it made kept (`keep`): `POST /tasks/{id}/retry` resumes it from the failed stage
   * (its error names it), `POST /tasks/{id}/rollback` undoes it.
   */
  held: Schema.Boolean
})
export type TaskView = typeof TaskView.Type

export const TaskDetailView = Schema.Struct({
  ...TaskView.fields,
  timeline: Schema.Array(TimelineEntryView)
})
export type TaskDetailView = typeof TaskDetailView.Type

export const TaskResponse = Schema.Struct({ task: TaskView })
export const TaskDetailResponse = Schema.Struct({ task: TaskDetailView })
export const TaskListResponse = Schema.Struct({
  tasks: Schema.Array(TaskView),
  tasks_links: Schema.Array(Link)
})

/** A task type this deployment offers, and the call that starts it. */
export const TaskTypeView = Schema.Struct({
  type: Schema.String,
  method: Schema.String,
  path: Schema.String,
  description: Schema.String
})

export const VersionsResponse = Schema.Struct({
  versions: Schema.Array(
    Schema.Struct({
      id: Schema.String,
      status: Schema.String,
      min_version: Schema.String,
      max_version: Schema.String,
      updated: Schema.String,
      links: Schema.Array(Link),
      /** The porcelain calls this version serves: one task type each. */
      task_types: Schema.Array(TaskTypeView)
    })
  )
})
