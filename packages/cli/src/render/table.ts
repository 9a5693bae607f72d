/**
 * Tables as `openstack` prints them (`-f table`): a header row and the rows between `+---+` rules.
 * Cells are one line; numbers are right-aligned.
 */
export type Cell = string | number | boolean | null | undefined

const show = (cell: Cell): string => (cell === null || cell === undefined ? "" : String(cell))

export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => show(row[column]).length))
  )
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`
  const line = (cells: ReadonlyArray<Cell>, numeric: (column: number) => boolean) =>
    `| ${widths
      .map((w, column) => {
        const text = show(cells[column])
        return numeric(column) ? text.padStart(w) : text.padEnd(w)
      })
      .join(" | ")} |`
  const isNumeric = (column: number) =>
    rows.length > 0 && rows.every((row) => typeof row[column] === "number" || row[column] === null)
  return [
    rule,
    line(header, () => false),
    rule,
    ...rows.map((row) => line(row, isNumeric)),
    ...(rows.length === 0 ? [] : [rule])
  ].join("\n")
}

/** A single object as `openstack … show` prints it: Field | Value. */
export const fieldTable = (fields: ReadonlyArray<readonly [string, Cell]>): string =>
  table(
    ["Field", "Value"],
    fields.map(([name, value]) => [name, show(value)])
  )
