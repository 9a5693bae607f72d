import type { Task, TimelineEntry } from "@enamel/domain"
import { registry } from "@enamel/domain/flows"

/**
 * A task's `progress: {done, total}`. `done`: the stages it finished (distinct stage paths with a
 * SUCCEEDED run). `total`, where the flow can say: the number of stages on its checklist when no stage
 * repeats per item (no `[]` in a path), an upper bound, since a stage with nothing to do is skipped;
 * `done` once the task succeeded (every stage it needed ran); null for a flow whose stages repeat per
 * server, NIC, backup… (server.create, server.delete) until it succeeded.
 */
const checklistSizes = new Map<string, number | null>(
  registry.flows.map((flow) => {
    const paths = Object.keys(flow.shape?.stages ?? {})
    const fixed = flow.shape !== undefined && paths.every((path) => !path.includes("[]"))
    return [`${flow.type}@${flow.version}`, fixed ? paths.length : null]
  })
)

export interface Progress {
  readonly done: number
  readonly total: number | null
}

export const progressOf = (
  task: { readonly type: string; readonly flowVersion: number; readonly state: Task["state"] },
  done: number
): Progress => ({
  done,
  total: task.state === "SUCCEEDED" ? done : (checklistSizes.get(`${task.type}@${task.flowVersion}`) ?? null)
})

/** `done` from a timeline the handler has read anyway. */
export const stagesDone = (timeline: ReadonlyArray<TimelineEntry>) =>
  new Set(timeline.filter((e) => e.phase === "run" && e.state === "SUCCEEDED").map((e) => e.path)).size
