import { describe, expect, it } from "@effect/vitest"
import { progressOf } from "../src/tasks/progress.js"

/**
 * `total`: the checklist of a flow whose stages do not repeat (server.resize: checkRequest, requestResize,
 * waitResizeVerify, confirmResize, waitResized), an upper bound while it runs; unknown for one whose
 * stages repeat per server until it succeeded, then `done`; unknown for a type or version this build
 * does not have.
 */
describe("a task's progress", () => {
  it.each([
    ["server.resize", 1, "RUNNING", 2, 5],
    ["server.create", 3, "RUNNING", 4, null],
    ["server.create", 3, "SUCCEEDED", 9, 9],
    ["server.teleport", 1, "PENDING", 0, null]
  ] as const)("%s v%d %s, %d done: total %s", (type, flowVersion, state, done, total) => {
    expect(progressOf({ type, flowVersion, state }, done)).toEqual({ done, total })
  })
})
