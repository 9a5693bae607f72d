import type { TimelineEntryView } from "@enamel/domain/contract"
import { type Board, isRunning, type Row } from "./board.js"
import { duration, fit, millisOf } from "./text.js"

/**
 * One frame of the live view: the task's stages as a tree of their path's scopes (`server[0]` and under
 * it `network[1]`…), so that parallel branches sit indented under their server; a spinner and the time
 * so far on what runs, the duration on what ended, undos marked `↩ undo`. Pure: the live view redraws
 * it on every event and every spinner tick, and the tests snapshot it.
 */
export const spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const

export interface FrameContext {
  /** What the first line calls the task: `server.create 6f1c…`. */
  readonly title: string
  /** Milliseconds since the epoch: running stages count up to it. */
  readonly now: number
  /** When watching began (the header's clock). */
  readonly since: number
  /** The spinner's step. */
  readonly tick: number
  readonly columns: number
  readonly rows: number
}

interface Scope {
  readonly _tag: "Scope"
  readonly label: string
  readonly children: Array<Node>
}
type Node = Scope | { readonly _tag: "Row"; readonly row: Row }

const tree = (rows: ReadonlyArray<Row>): Scope => {
  const root: Scope = { _tag: "Scope", label: "", children: [] }
  for (const row of rows) {
    let scope = root
    for (const label of row.scopes) {
      const found = scope.children.find((n): n is Scope => n._tag === "Scope" && n.label === label)
      const next = found ?? { _tag: "Scope" as const, label, children: [] }
      if (found === undefined) scope.children.push(next)
      scope = next
    }
    scope.children.push({ _tag: "Row", row })
  }
  return root
}

const rowsUnder = (node: Node): ReadonlyArray<Row> =>
  node._tag === "Row" ? [node.row] : node.children.flatMap(rowsUnder)

const symbolOf = (entry: TimelineEntryView, tick: number): string => {
  if (isRunning(entry)) return spinner[tick % spinner.length] ?? "*"
  switch (entry.state) {
    case "SUCCEEDED":
      return "✓"
    case "FAILED":
      return "✗"
    default:
      return "!"
  }
}

/** A scope's mark: spinning while anything under it runs, ✗ when something failed, ✓ when all is done. */
const scopeSymbol = (rows: ReadonlyArray<Row>, tick: number): string => {
  if (rows.some((r) => isRunning(r.entry))) return spinner[tick % spinner.length] ?? "*"
  if (rows.some((r) => r.entry.state === "FAILED")) return "✗"
  if (rows.some((r) => r.undo)) return "↩"
  return rows.every((r) => r.entry.state === "SUCCEEDED") ? "✓" : "!"
}

const timeOf = (entry: TimelineEntryView, now: number): string =>
  entry.duration_ms !== null
    ? duration(entry.duration_ms)
    : isRunning(entry)
      ? duration(now - millisOf(entry.started_at))
      : ""

const noteOf = (entry: TimelineEntryView): string => {
  const notes = [
    ...(entry.attempt > 1 ? [`attempt ${entry.attempt}`] : []),
    ...(entry.state === "RETRYING" ? ["retrying"] : []),
    ...(entry.state === "INTERRUPTED" ? ["interrupted"] : []),
    ...(entry.error === null ? [] : [`${entry.error.code}: ${entry.error.message}`])
  ]
  return notes.join(", ")
}

interface Line {
  readonly left: string
  readonly time: string
  readonly note: string
}

const linesOf = (scope: Scope, depth: number, context: FrameContext, collapse: boolean): Array<Line> =>
  scope.children.flatMap((node): Array<Line> => {
    const indent = "  ".repeat(depth)
    if (node._tag === "Row") {
      const { row } = node
      return [
        {
          left: `${indent}${symbolOf(row.entry, context.tick)} ${row.undo ? "↩ undo " : ""}${row.name}`,
          time: timeOf(row.entry, context.now),
          note: noteOf(row.entry)
        }
      ]
    }
    const rows = rowsUnder(node)
    const head = `${indent}${scopeSymbol(rows, context.tick)} ${node.label}`
    const done = !rows.some((r) => isRunning(r.entry))
    if (collapse && depth === 1 && done) {
      return [{ left: head, time: "", note: `${rows.length} stage${rows.length === 1 ? "" : "s"}` }]
    }
    return [{ left: head, time: "", note: "" }, ...linesOf(node, depth + 1, context, collapse)]
  })

const statusOf = (board: Board): string =>
  board.task?.state ?? (board.flow?.state === "UNWINDING" ? "UNWINDING" : "RUNNING")

export const frame = (board: Board, context: FrameContext): ReadonlyArray<string> => {
  const root = tree(board.rows)
  const status = statusOf(board)
  const ended = board.task !== undefined
  const endMark = status === "SUCCEEDED" ? "✓" : status === "ROLLED_BACK" ? "↩" : "✗"
  const mark = !ended ? (spinner[context.tick % spinner.length] ?? "*") : endMark
  // An ended task's own duration; until then, the time since watching began.
  const task = board.task
  const took =
    task !== undefined && task.started_at !== null && task.ended_at !== null
      ? millisOf(task.ended_at) - millisOf(task.started_at)
      : context.now - context.since
  const header = `${mark} ${context.title}  ${status}  ${duration(took)}`
  // Finished servers fold into one line each when the whole tree would not fit on the screen.
  const budget = Math.max(3, context.rows - 2)
  let body = linesOf(root, 1, context, false)
  if (body.length > budget) body = linesOf(root, 1, context, true)
  const hidden = Math.max(0, body.length - budget)
  const shown = hidden === 0 ? body : body.slice(hidden + 1)
  const width = Math.max(...shown.map((l) => l.left.length), 20)
  const lines = shown.map((l) => `${l.left.padEnd(width)}  ${l.time.padStart(6)}  ${l.note}`.trimEnd())
  return [header, ...(hidden === 0 ? [] : [`  … ${hidden + 1} more above`]), ...lines].map((line) =>
    fit(line, context.columns - 1)
  )
}
