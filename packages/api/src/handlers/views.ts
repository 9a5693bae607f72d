import type { Task, TimelineEntry } from "@enamel/domain"
import type { TaskView, TimelineEntryView } from "@enamel/domain/contract"
import { DateTime } from "effect"

const iso = (t: DateTime.Utc) => DateTime.formatIso(t)
const isoOrNull = (t: DateTime.Utc | null) => (t === null ? null : iso(t))

export const taskView = (task: Task): TaskView => ({
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
