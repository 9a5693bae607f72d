import type { Task, TimelineEntry } from "@enamel/domain"
import type { TaskView, TimelineEntryView } from "@enamel/domain/contract"
import { DateTime } from "effect"
import { progressOf } from "../tasks/progress.js"

const iso = (t: DateTime.Utc) => DateTime.formatIso(t)
const isoOrNull = (t: DateTime.Utc | null) => (t === null ? null : iso(t))

/** `done`: the stages the task finished (0 for a task just accepted); see tasks/progress.ts. */
export const taskView = (task: Task, done = 0): TaskView => ({
  id: task.id,
  type: task.type,
  flow_version: task.flowVersion,
  state: task.state,
  project_id: task.projectId,
  user_id: task.userId,
  priority: task.priority,
  params: task.params,
  result: task.result,
  error: task.error,
  created_at: iso(task.createdAt),
  updated_at: iso(task.updatedAt),
  started_at: isoOrNull(task.startedAt),
  ended_at: isoOrNull(task.endedAt),
  links: [{ rel: "self", href: `/tasks/${task.id}` }],
  progress: progressOf(task, done),
  on_failure: task.onFailure,
  held: task.held
})

export const timelineView = (entry: TimelineEntry): TimelineEntryView => ({
  stage: entry.path,
  phase: entry.phase,
  state: entry.state,
  attempt: entry.attempt,
  started_at: iso(entry.startedAt),
  ended_at: isoOrNull(entry.endedAt),
  duration_ms: entry.durationMs,
  error: entry.error,
  request_ids: entry.detail.requestIds
})
