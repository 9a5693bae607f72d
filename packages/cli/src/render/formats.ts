import type { TaskDetailView, TaskView } from "@enamel/domain/contract"
import { Effect } from "effect"
import type { Format } from "../globals.js"
import { line } from "./Output.js"
import type { Cell } from "./table.js"
import { fieldTable, table } from "./table.js"
import {
  finalReport,
  taskDetailTable,
  taskFields,
  taskListHeader,
  taskListRow,
  taskTable
} from "./timeline.js"

/**
 * Every result in the three formats: `table` for people, `json` as exactly one JSON document (the
 * API's own views, so `jq` sees what the API said), `value` as bare values (one row per line, cells
 * separated by a space; one value per line for a single object), as `openstack -f value` prints them.
 */
const json = (value: unknown) => line(JSON.stringify(value, null, 2))

const cellText = (cell: Cell) => (cell === null || cell === undefined ? "" : String(cell))

const values = (rows: ReadonlyArray<ReadonlyArray<Cell>>) =>
  rows.length === 0 ? Effect.void : line(rows.map((row) => row.map(cellText).join(" ")).join("\n"))

const fieldValues = (fields: ReadonlyArray<readonly [string, Cell]>) => values(fields.map(([, v]) => [v]))

/** A task as a command that made or changed it answers (no timeline yet). */
export const printTask = (format: Format, task: TaskView) =>
  format === "json" ? json(task) : format === "value" ? fieldValues(taskFields(task)) : line(taskTable(task))

/** `task show`: the task and its timeline. */
export const printTaskDetail = (format: Format, task: TaskDetailView) =>
  format === "json"
    ? json(task)
    : format === "value"
      ? fieldValues(taskFields(task))
      : line(taskDetailTable(task))

/** The end of `--wait` and `task watch`: in a table, the outcome, the timeline and the servers made. */
export const printFinal = (format: Format, task: TaskDetailView) =>
  format === "table" ? line(finalReport(task)) : printTaskDetail(format, task)

export const printTaskList = (format: Format, tasks: ReadonlyArray<TaskView>) =>
  format === "json"
    ? json(tasks)
    : format === "value"
      ? values(tasks.map(taskListRow))
      : line(table(taskListHeader, tasks.map(taskListRow)))

/** Rows of any other listing (the admin commands'), under `header`; `raw` is what `json` prints. */
export const printRows = (
  format: Format,
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  raw: unknown
) => (format === "json" ? json(raw) : format === "value" ? values(rows) : line(table(header, rows)))

/** A single object of any other kind, as Field | Value. */
export const printFields = (format: Format, fields: ReadonlyArray<readonly [string, Cell]>, raw: unknown) =>
  format === "json" ? json(raw) : format === "value" ? fieldValues(fields) : line(fieldTable(fields))
