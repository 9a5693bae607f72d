/**
 * Reading a task's checkpoint writes as a checklist: which stages started, in what order, after what;
 * which undos ran, in what order.
 */
import { expect } from "@effect/vitest"
import type { TimelineWrite } from "@enamel/domain"

/** Each stage of a flow's checklist with the stages that must have completed before it starts. */
export type Checklist = ReadonlyArray<readonly [stage: string, after: ReadonlyArray<string>]>

const unique = (paths: ReadonlyArray<string>) => [...new Set(paths)]

/** The stages in the order they first started. */
export const startOrder = (writes: ReadonlyArray<TimelineWrite>) =>
  unique(writes.filter((w) => w.phase === "run" && w.state === "RUNNING").map((w) => w.path))

/** The stages in the order their success was stored. */
export const completionOrder = (writes: ReadonlyArray<TimelineWrite>) =>
  unique(writes.filter((w) => w.phase === "run" && w.state === "SUCCEEDED").map((w) => w.path))

/** The undos in the order they started. */
export const undoOrder = (writes: ReadonlyArray<TimelineWrite>) =>
  unique(writes.filter((w) => w.phase === "compensate" && w.state === "RUNNING").map((w) => w.path))

/**
 * The run went through exactly the checklist's stages, each starting only once the stages it comes after
 * had completed.
 */
export const expectChecklist = (writes: ReadonlyArray<TimelineWrite>, checklist: Checklist) => {
  const started = startOrder(writes)
  expect([...started].sort()).toEqual(checklist.map(([stage]) => stage).sort())
  const firstStart = (path: string) =>
    writes.findIndex((w) => w.phase === "run" && w.path === path && w.state === "RUNNING")
  const completion = (path: string) =>
    writes.findIndex((w) => w.phase === "run" && w.path === path && w.state === "SUCCEEDED")
  const outOfOrder = checklist.flatMap(([stage, after]) =>
    after
      .filter((before) => completion(before) < 0 || completion(before) > firstStart(stage))
      .map((before) => `${stage} started before ${before} completed`)
  )
  expect(outOfOrder).toEqual([])
}
