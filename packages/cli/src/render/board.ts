import type { TaskView, TimelineEntryView } from "@enamel/domain/contract"
import type { TaskEvent } from "./events.js"

/**
 * What the renderers draw from: a task's stages as its events have told them so far. Every view (live,
 * plain lines, the final table) reads this one fold of the stream, so they cannot disagree.
 */
export interface Row {
  /** `run` or `compensate` (an undo), and the stage's path: one row per (phase, path). */
  readonly key: string
  readonly entry: TimelineEntryView
  /** The scopes the stage runs in, e.g. `["server[0]", "network[1]"]`, and its own name. */
  readonly scopes: ReadonlyArray<string>
  readonly name: string
  readonly undo: boolean
}

export interface Board {
  /** In the order each first appeared. */
  readonly rows: ReadonlyArray<Row>
  /** The flow's own entry (`$flow`): unwinding, cancelled, its outcome. */
  readonly flow: TimelineEntryView | undefined
  /** The task, once the stream has ended with it. */
  readonly task: TaskView | undefined
}

export const empty: Board = { rows: [], flow: undefined, task: undefined }

export const FLOW_PATH = "$flow"

export const rowOf = (entry: TimelineEntryView): Row => {
  const segments = entry.stage.split("/")
  return {
    key: `${entry.phase} ${entry.stage}`,
    entry,
    scopes: segments.slice(0, -1),
    name: segments[segments.length - 1] ?? entry.stage,
    undo: entry.phase === "compensate"
  }
}

/** The board after one more event: an entry replaces its stage's row (a later attempt, its outcome). */
export const apply = (board: Board, event: TaskEvent): Board => {
  if (event._tag === "Task") return { ...board, task: event.task }
  const { entry } = event
  if (entry.phase === "flow" || entry.stage === FLOW_PATH) return { ...board, flow: entry }
  const row = rowOf(entry)
  const at = board.rows.findIndex((r) => r.key === row.key)
  if (at < 0) return { ...board, rows: [...board.rows, row] }
  // An older attempt's late write never hides a newer attempt.
  const current = board.rows[at]
  if (current !== undefined && current.entry.attempt > entry.attempt) return board
  return { ...board, rows: board.rows.map((r, i) => (i === at ? row : r)) }
}

export const fromEvents = (events: Iterable<TaskEvent>): Board => {
  let board = empty
  for (const event of events) board = apply(board, event)
  return board
}

/** Whether a stage's entry is still going (a spinner in the live view). */
export const isRunning = (entry: TimelineEntryView) => entry.state === "RUNNING" || entry.state === "RETRYING"
