import { describe, expect, it } from "@effect/vitest"
import { InvalidTaskTransition, TaskState } from "@enamel/domain"
import { Either, Schema } from "effect"

const all = TaskState.TaskState.literals

describe("TaskState", () => {
  it("allows exactly the documented transitions", () => {
    const allowed = all.flatMap((from) =>
      all.filter((to) => TaskState.canTransition(from, to)).map((to) => `${from}->${to}`)
    )
    expect(allowed.sort()).toEqual(
      [
        "PENDING->RUNNING",
        "PENDING->CANCELLED",
        "PENDING->FAILED",
        "RUNNING->PENDING",
        "RUNNING->SUCCEEDED",
        "RUNNING->FAILED",
        "RUNNING->CANCELLING",
        "CANCELLING->CANCELLED",
        "CANCELLING->FAILED",
        "CANCELLING->SUCCEEDED"
      ].sort()
    )
  })

  it("refuses a transition out of a terminal state with a stable code", () => {
    for (const terminal of TaskState.terminalStates) {
      expect(TaskState.isTerminal(terminal)).toBe(true)
      const result = TaskState.transition(terminal, "RUNNING")
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left).toBeInstanceOf(InvalidTaskTransition)
        expect(result.left.code).toBe("task.invalid_transition")
        expect(result.left.message).toBe(`task cannot go from ${terminal} to RUNNING`)
      }
    }
    expect(TaskState.transition("PENDING", "RUNNING")).toEqual(Either.right("RUNNING"))
  })

  it("decodes only known states", () => {
    expect(Schema.decodeUnknownEither(TaskState.TaskState)("RUNNING")).toEqual(Either.right("RUNNING"))
    expect(Either.isLeft(Schema.decodeUnknownEither(TaskState.TaskState)("DONE"))).toBe(true)
  })
})
