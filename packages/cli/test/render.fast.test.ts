import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import * as Board from "../src/render/board.js"
import type { TaskEvent } from "../src/render/events.js"
import { type FrameContext, frame } from "../src/render/frame.js"
import { makeMemory, Output } from "../src/render/Output.js"
import { plainLine } from "../src/render/plain.js"
import * as Renderer from "../src/render/Renderer.js"
import { finalReport, taskListTable } from "../src/render/timeline.js"
import { t0, task, twoServers, undone, until } from "./fixtures/events.js"

const context = (ms: number, more: Partial<FrameContext> = {}): FrameContext => ({
  title: "server.create 6f1c2a34",
  now: t0 + ms,
  since: t0,
  tick: ms / 100,
  columns: 100,
  rows: 40,
  ...more
})

const frameAt = (events: ReadonlyArray<TaskEvent>, ms: number, more: Partial<FrameContext> = {}) =>
  frame(Board.fromEvents(until(events, ms)), context(ms, more)).join("\n")

/** Escape sequences made readable, so a snapshot shows what the terminal is told. */
// The terminal's escape character, spelled out: a literal one in a regular expression is a lint error.
const esc = String.fromCharCode(27)

const visible = (text: string) =>
  text
    .replaceAll("\u001b[?25l", "<hide cursor>")
    .replaceAll("\u001b[?25h", "<show cursor>")
    .replace(new RegExp(`${esc}\\[(\\d+)F${esc}\\[J`, "g"), "<up $1, clear>\n")

describe("the live view's frames", () => {
  it("shows parallel servers indented under their scopes, spinners on what runs", () => {
    expect(frameAt(twoServers, 3000)).toMatchSnapshot()
  })

  it("shows every stage done with its duration when the task ended", () => {
    expect(frameAt(twoServers, 20_000)).toMatchSnapshot()
  })

  it("marks a retried attempt, the failure and the undos", () => {
    expect(frameAt(undone, 3600)).toMatchSnapshot()
    expect(frameAt(undone, 20_000)).toMatchSnapshot()
  })

  it("folds finished servers into one line each when the tree does not fit the screen", () => {
    const lines = frame(Board.fromEvents(twoServers), context(20_000, { rows: 12 }))
    expect(lines.length).toBeLessThanOrEqual(12)
    expect(lines.join("\n")).toMatchSnapshot()
  })

  it("shows the latest lines when even the folded tree does not fit", () => {
    const lines = frame(Board.fromEvents(until(twoServers, 9_000)), context(9_000, { rows: 12 }))
    expect(lines.length).toBeLessThanOrEqual(12)
    expect(lines.join("\n")).toMatchSnapshot()
  })

  it("cuts lines to the terminal's width", () => {
    const lines = frame(Board.fromEvents(until(undone, 20_000)), context(20_000, { columns: 40 }))
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(39)
  })

  it("keeps a later attempt when an earlier one's write arrives late", () => {
    const [first, second] = until(undone, 4510)
      .filter(
        (e) => e._tag === "Stage" && e.entry.stage === "server[1]/bootServer" && e.entry.phase === "run"
      )
      .slice(-2)
    expect(first !== undefined && second !== undefined).toBe(true)
    if (first === undefined || second === undefined) return
    const board = Board.fromEvents([second, first])
    expect(board.rows.map((r) => r.entry.attempt)).toEqual([2])
  })
})

describe("plain lines", () => {
  it("prints one line per event, with the whole path and undos marked", () => {
    const lines = undone.flatMap((e) =>
      e._tag === "Stage" ? [plainLine(e.entry, Date.parse(e.entry.ended_at ?? e.entry.started_at) - t0)] : []
    )
    expect(lines.join("\n")).toMatchSnapshot()
  })
})

describe("the final report", () => {
  it("prints the outcome, the timeline table and the servers made", () => {
    const ended = twoServers.at(-1)
    const timeline = twoServers.flatMap((e) => (e._tag === "Stage" ? [e.entry] : []))
    expect(ended?._tag).toBe("Task")
    if (ended?._tag !== "Task") return
    expect(
      finalReport({ ...ended.task, timeline: timeline.filter((e) => e.state !== "RUNNING") })
    ).toMatchSnapshot()
  })

  it("prints a failed task's error", () => {
    const ended = undone.at(-1)
    if (ended?._tag !== "Task") return expect.fail("no task event")
    const timeline = undone.flatMap((e) =>
      e._tag === "Stage" && e.entry.state !== "RUNNING" ? [e.entry] : []
    )
    expect(finalReport({ ...ended.task, timeline })).toMatchSnapshot()
  })

  it("says which way a server was rebuilt, and the new server's id when it was replaced", () => {
    const rebuilt = (result: Record<string, unknown>) =>
      finalReport({
        ...task("SUCCEEDED", 1000, { type: "server.rebuild", flow_version: 2, result }),
        timeline: []
      })
    const old = "44960716-ffc8-4ab4-adcc-fdec0a1fee9f"
    const fresh = "5b6c7d8e-1f2a-4b3c-9d4e-5f6a7b8c9d0e"
    const root = "0c9a7b52-3f1e-4d7a-8b6c-2e4f5a6b7c8d"
    expect(rebuilt({ server_id: old, path: "rebuild", boot_volume_id: root })).toContain(
      `rebuilt:\n  path rebuild (Nova's rebuild): server ${old}, root volume ${root}`
    )
    const replaced = rebuilt({
      server_id: fresh,
      path: "replace",
      boot_volume_id: root,
      previous_server_id: old,
      kept_volume_id: "7d3e1f20-9a4b-4c5d-8e6f-0a1b2c3d4e5f"
    })
    expect(replaced).toContain(
      `rebuilt:\n  path replace: new server ${fresh} (was ${old}), root volume ${root}`
    )
    expect(replaced).toContain(
      "old root volume 7d3e1f20-9a4b-4c5d-8e6f-0a1b2c3d4e5f kept: backups depend on it"
    )
  })

  it("lists tasks as a table", () => {
    expect(taskListTable([task("SUCCEEDED", 1000), task("RUNNING", 0, { ended_at: null })])).toMatchSnapshot()
  })
})

describe("the renderers on a clock", () => {
  const withOutput = (isTerminal: boolean) =>
    Effect.gen(function* () {
      const memory = yield* makeMemory({ isTerminal, columns: 100, rows: 40 })
      return { ...memory, layer: Layer.succeed(Output, memory.output) }
    })

  /** Plays the events at their recorded times on the TestClock. */
  const play = (renderer: Renderer.Renderer, events: ReadonlyArray<TaskEvent>) =>
    Effect.forEach(events, (event) =>
      Effect.gen(function* () {
        if (event._tag === "Stage") {
          const at = Date.parse(event.entry.ended_at ?? event.entry.started_at)
          yield* TestClock.setTime(at)
        }
        yield* renderer.onEvent(event)
      })
    )

  it.effect("the live view redraws in place on events and ticks, and leaves the last frame", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { layer, stdout } = yield* withOutput(true)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const renderer = yield* Renderer.live("server.create 6f1c2a34")
          yield* play(renderer, until(twoServers, 1000))
          // Between events, only the ticker draws: the spinner turns and the running times count up.
          yield* TestClock.adjust("100 millis")
          yield* play(renderer, twoServers.slice(until(twoServers, 1000).length))
        })
      ).pipe(Effect.provide(layer))
      const written = yield* stdout
      expect(written.startsWith("\u001b[?25l")).toBe(true)
      expect(written.endsWith("\u001b[?25h")).toBe(true)
      const frames = visible(written).split(/<up \d+, clear>\n/)
      // The last frame is the finished task, every stage with its duration.
      expect(frames.at(-1)).toMatchSnapshot()
      expect(frames.length).toBeGreaterThan(twoServers.length)
    })
  )

  it.effect("plain lines carry the time since watching began", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { layer, stdout } = yield* withOutput(false)
      yield* Effect.gen(function* () {
        const renderer = yield* Renderer.plain
        yield* play(renderer, until(twoServers, 2000))
      }).pipe(Effect.provide(layer))
      const written = yield* stdout
      expect(written).not.toContain("\u001b")
      expect(written).toMatchSnapshot()
    })
  )
})
