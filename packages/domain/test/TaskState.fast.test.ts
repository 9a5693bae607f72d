import { describe, expect, it } from "@effect/vitest"
import { ErrorCode, InvalidTaskTransition, TaskState } from "@enamel/domain"
import { Either, Option, Schema } from "effect"

const all = TaskState.TaskState.literals

/** What each event does from each state: `-` refused, `=` stays, otherwise the state it moves to. */
// biome-ignore format: a table reads best aligned
const eventTable: ReadonlyArray<readonly [TaskState.TaskEvent, Record<TaskState.TaskState, string>]> = [
  [TaskState.claim,                 { PENDING: "RUNNING",   RUNNING: "=",          CANCELLING: "=",         SUCCEEDED: "-", FAILED: "-",            CANCELLED: "-", ROLLING_BACK: "=",           ROLLED_BACK: "-" }],
  [TaskState.cancel,                { PENDING: "CANCELLED", RUNNING: "CANCELLING", CANCELLING: "=",         SUCCEEDED: "-", FAILED: "-",            CANCELLED: "-", ROLLING_BACK: "-",           ROLLED_BACK: "-" }],
  [TaskState.handBack,              { PENDING: "-",         RUNNING: "PENDING",    CANCELLING: "=",         SUCCEEDED: "-", FAILED: "-",            CANCELLED: "-", ROLLING_BACK: "=",           ROLLED_BACK: "-" }],
  [TaskState.retry,                 { PENDING: "-",         RUNNING: "-",          CANCELLING: "-",         SUCCEEDED: "-", FAILED: "RUNNING",      CANCELLED: "-", ROLLING_BACK: "-",           ROLLED_BACK: "-" }],
  [TaskState.rollback,              { PENDING: "-",         RUNNING: "-",          CANCELLING: "-",         SUCCEEDED: "-", FAILED: "ROLLING_BACK", CANCELLED: "-", ROLLING_BACK: "-",           ROLLED_BACK: "-" }],
  [TaskState.finish("SUCCEEDED"),   { PENDING: "-",         RUNNING: "SUCCEEDED",  CANCELLING: "SUCCEEDED", SUCCEEDED: "-", FAILED: "-",            CANCELLED: "-", ROLLING_BACK: "-",           ROLLED_BACK: "-" }],
  [TaskState.finish("FAILED"),      { PENDING: "-",         RUNNING: "FAILED",     CANCELLING: "FAILED",    SUCCEEDED: "-", FAILED: "-",            CANCELLED: "-", ROLLING_BACK: "FAILED",      ROLLED_BACK: "-" }],
  [TaskState.finish("CANCELLED"),   { PENDING: "-",         RUNNING: "-",          CANCELLING: "CANCELLED", SUCCEEDED: "-", FAILED: "-",            CANCELLED: "-", ROLLING_BACK: "-",           ROLLED_BACK: "-" }],
  [TaskState.finish("ROLLED_BACK"), { PENDING: "-",         RUNNING: "-",          CANCELLING: "-",         SUCCEEDED: "-", FAILED: "-",            CANCELLED: "-", ROLLING_BACK: "ROLLED_BACK", ROLLED_BACK: "-" }]
]

const describeAfter = (event: TaskState.TaskEvent, from: TaskState.TaskState) =>
  Option.match(TaskState.stateAfter(event, from), {
    onNone: () => "-",
    onSome: (to) => (to === from ? "=" : to)
  })

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
        "CANCELLING->SUCCEEDED",
        "FAILED->RUNNING",
        "FAILED->ROLLING_BACK",
        "ROLLING_BACK->ROLLED_BACK",
        "ROLLING_BACK->FAILED"
      ].sort()
    )
  })

  it("calls terminal the states no worker runs a task in, and final those nothing moves", () => {
    expect([...TaskState.terminalStates].sort()).toEqual(["CANCELLED", "FAILED", "ROLLED_BACK", "SUCCEEDED"])
    expect(all.filter(TaskState.isTerminal)).toEqual(all.filter((s) => TaskState.terminalStates.includes(s)))
    // FAILED is terminal but not final: a held task may be retried or rolled back.
    expect(all.filter(TaskState.isFinal).sort()).toEqual(["CANCELLED", "ROLLED_BACK", "SUCCEEDED"])
    for (const s of all) if (TaskState.isFinal(s)) expect(TaskState.isTerminal(s)).toBe(true)
    expect(TaskState.nextStates("FAILED")).toEqual(["RUNNING", "ROLLING_BACK"])
  })

  it("refuses a transition out of a final state with a stable code", () => {
    for (const terminal of all.filter(TaskState.isFinal)) {
      expect(TaskState.isTerminal(terminal)).toBe(true)
      const result = TaskState.transition(terminal, "RUNNING")
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left).toBeInstanceOf(InvalidTaskTransition)
        expect(result.left.code).toBe(ErrorCode.taskInvalidTransition)
        expect(result.left.message).toBe(`task cannot go from ${terminal} to RUNNING`)
      }
    }
    expect(TaskState.transition("PENDING", "RUNNING")).toEqual(Either.right("RUNNING"))
  })

  it("decodes only known states", () => {
    expect(Schema.decodeUnknownEither(TaskState.TaskState)("RUNNING")).toEqual(Either.right("RUNNING"))
    expect(Either.isLeft(Schema.decodeUnknownEither(TaskState.TaskState)("DONE"))).toBe(true)
  })

  describe("events", () => {
    it("do exactly what the event table says, from every state", () => {
      expect(eventTable.map(([event]) => event.name).sort()).toEqual(
        TaskState.events.map((event) => event.name).sort()
      )
      for (const [event, expected] of eventTable) {
        const actual = Object.fromEntries(all.map((from) => [from, describeAfter(event, from)]))
        expect({ event: event.name, ...actual }).toEqual({ event: event.name, ...expected })
      }
    })

    it("move only as the transition table allows, and stay only in unfinished states", () => {
      for (const event of TaskState.events) {
        for (const from of all) {
          const to = TaskState.stateAfter(event, from)
          if (Option.isNone(to)) continue
          if (to.value === from) expect(TaskState.isTerminal(from)).toBe(false)
          else expect(TaskState.transition(from, to.value)).toEqual(Either.right(to.value))
        }
        expect(TaskState.appliesIn(event)).toEqual(
          all.filter((s) => Option.isSome(TaskState.stateAfter(event, s)))
        )
      }
    })

    it("make every transition of the table but one that no statement needs yet", () => {
      const made = new Set(
        TaskState.events.flatMap((event) =>
          all.flatMap((from) => {
            const to = event.moves[from]
            return to === undefined ? [] : [`${from}->${to}`]
          })
        )
      )
      const unmade = all.flatMap((from) =>
        TaskState.nextStates(from)
          .map((to) => `${from}->${to}`)
          .filter((t) => !made.has(t))
      )
      // A task that cannot start is claimed first, then finished FAILED (see TaskState.ts).
      expect(unmade).toEqual(["PENDING->FAILED"])
    })

    it("cannot be built to do what the table forbids", () => {
      expect(() => TaskState.makeEvent("reopen", { SUCCEEDED: "RUNNING" })).toThrow(
        "task event reopen: task cannot go from SUCCEEDED to RUNNING"
      )
      expect(() => TaskState.makeEvent("skip", { PENDING: "SUCCEEDED" })).toThrow(
        "task event skip: task cannot go from PENDING to SUCCEEDED"
      )
      expect(() => TaskState.makeEvent("touch", {}, ["FAILED"])).toThrow(
        "task event touch: FAILED is terminal and cannot stay"
      )
      expect(() => TaskState.makeEvent("idle", { RUNNING: "RUNNING" })).toThrow(
        "task event idle: RUNNING → RUNNING is a stay; list it in keeps"
      )
      expect(() => TaskState.makeEvent("both", { RUNNING: "PENDING" }, ["RUNNING"])).toThrow(
        "task event both: RUNNING both moves and stays"
      )
      const stays = TaskState.makeEvent("stays", {}, ["RUNNING"])
      expect(TaskState.stateAfter(stays, "RUNNING")).toEqual(Option.some("RUNNING"))
      expect(TaskState.stateAfter(stays, "PENDING")).toEqual(Option.none())
    })

    it("start from the state every task starts in", () => {
      expect(TaskState.initialState).toBe("PENDING")
      expect(TaskState.appliesIn(TaskState.claim)).toContain(TaskState.initialState)
    })
  })
})
