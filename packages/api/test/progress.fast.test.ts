import { describe, expect, it } from "@effect/vitest"
import { progressOf } from "../src/tasks/progress.js"

describe("a task's progress", () => {
  it("counts the checklist of a flow whose stages do not repeat, as an upper bound while it runs", () => {
    // server.resize: checkRequest, requestResize, waitResizeVerify, confirmResize, waitResized.
    expect(progressOf({ type: "server.resize", flowVersion: 1, state: "RUNNING" }, 2)).toEqual({
      done: 2,
      total: 5
    })
  })

  it("cannot say for a flow whose stages repeat per server until the task succeeded", () => {
    expect(progressOf({ type: "server.create", flowVersion: 3, state: "RUNNING" }, 4)).toEqual({
      done: 4,
      total: null
    })
    expect(progressOf({ type: "server.create", flowVersion: 3, state: "SUCCEEDED" }, 9)).toEqual({
      done: 9,
      total: 9
    })
  })

  it("knows nothing of a type or version this build does not have", () => {
    expect(progressOf({ type: "server.teleport", flowVersion: 1, state: "PENDING" }, 0)).toEqual({
      done: 0,
      total: null
    })
  })
})
