import type { NewTask } from "@enamel/persistence"
import { DateTime } from "effect"

/**
 * A task as the API hands it to TaskStore.create: alice's, in project alpha, with its message (the
 * worker's TaskMessage for its id and type). Tests override what they are about.
 */
export const newTask = (overrides: Partial<NewTask> = {}): NewTask => {
  const id = overrides.id ?? crypto.randomUUID()
  const type = overrides.type ?? "server.create"
  return {
    id,
    type,
    flowVersion: 1,
    projectId: "p-alpha",
    userId: "u-alice",
    priority: 5,
    params: {},
    keyRef: null,
    idempotencyKey: null,
    requestHash: null,
    message: JSON.stringify({ taskId: id, type, resumeFrom: null, restarts: 0 }),
    ...overrides
  }
}

/** A stage's run that SUCCEEDED just now, with `result`, as a worker records it. */
export const succeededEntry = (taskId: string, path: string, result: unknown = null) => ({
  taskId,
  path,
  phase: "run" as const,
  attempt: 1,
  state: "SUCCEEDED" as const,
  startedAt: DateTime.unsafeMake(Date.now()),
  endedAt: DateTime.unsafeMake(Date.now()),
  durationMs: 1,
  result,
  error: null,
  detail: { requestIds: [] }
})
