// The Gantt chart of one task: one bar per stage attempt (and per undo) on a shared time axis; a row
// per stage, rows grouped by the branch they run in (`server[0]`, `server[1]`, …). Pure layout first
// (`layout`), then drawing as SVG (`render`), so the layout reads apart from the pixels.

const SVG = "http://www.w3.org/2000/svg"

/** What each bar's colour means; the legend is drawn from this list. */
export const kinds = [
  { kind: "succeeded", label: "Succeeded" },
  { kind: "running", label: "Running" },
  { kind: "retrying", label: "Failed, retried" },
  { kind: "failed", label: "Failed" },
  { kind: "interrupted", label: "Interrupted" },
  { kind: "undo", label: "Undone" },
  { kind: "undo-failed", label: "Undo failed" }
]

/** The colour of an entry: undos are their own family, whatever the stage's state was. */
export const kindOf = (entry) => {
  if (entry.phase === "compensate") {
    if (entry.state === "FAILED") return "undo-failed"
    return entry.state === "RUNNING" ? "running" : "undo"
  }
  switch (entry.state) {
    case "SUCCEEDED":
      return "succeeded"
    case "RUNNING":
      return "running"
    case "RETRYING":
      return "retrying"
    case "FAILED":
      return "failed"
    default:
      return "interrupted"
  }
}

/** `server[1]/network[0]/createPort` → group `server[1]`, label `createPort · network 0`. */
export const placeOf = (path) => {
  const parts = path.split("/")
  const head = /^([A-Za-z]+)\[(\d+)\]$/.exec(parts[0] ?? "")
  const group = head !== null && parts.length > 1 ? parts[0] : ""
  const rest = group === "" ? parts : parts.slice(1)
  const stage = rest[rest.length - 1] ?? path
  const within = rest
    .slice(0, -1)
    .map((p) => p.replace(/^([A-Za-z]+)\[(\d+)\]$/, "$1 $2"))
    .join(" · ")
  return { group, label: within === "" ? stage : `${stage} · ${within}` }
}

const time = (iso) => (iso === null || iso === undefined ? undefined : Date.parse(iso))

/**
 * Rows and bars for `entries` (the timeline, any order), with `now` ending the bars still running.
 * Groups keep the order in which they first started; the ungrouped stages (resolving, the keypair)
 * come first. The flow's own entry (`$flow`) is not a bar: it is the task's outcome, shown above.
 */
export const layout = (entries, now) => {
  const bars = entries
    .filter((e) => e.phase !== "flow")
    .map((e) => {
      const start = time(e.started_at) ?? now
      const end = time(e.ended_at) ?? (e.state === "RUNNING" ? now : start)
      return { entry: e, start, end: Math.max(end, start), kind: kindOf(e), ...placeOf(e.stage) }
    })
  const groups = new Map()
  for (const bar of [...bars].sort((a, b) => a.start - b.start)) {
    if (!groups.has(bar.group)) groups.set(bar.group, new Map())
    const rows = groups.get(bar.group)
    if (!rows.has(bar.entry.stage)) rows.set(bar.entry.stage, { label: bar.label, bars: [] })
    rows.get(bar.entry.stage).bars.push(bar)
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : 0))
  const starts = bars.map((b) => b.start)
  const ends = bars.map((b) => b.end)
  const from = starts.length === 0 ? now : Math.min(...starts)
  const to = ends.length === 0 ? now : Math.max(...ends, from + 1000)
  return {
    from,
    to,
    groups: ordered.map(([name, rows]) => ({ name, rows: [...rows.values()] }))
  }
}

/** Tick spacing for a span: about eight ticks at a round number of seconds or minutes. */
export const tickStep = (spanMs) => {
  const steps = [250, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 1800000]
  return steps.find((s) => spanMs / s <= 8) ?? 3600000
}

const tickLabel = (ms) =>
  ms === 0
    ? "0"
    : ms < 1000
      ? `${ms} ms`
      : ms < 60000
        ? `${ms / 1000} s`
        : `${Math.floor(ms / 60000)} min${ms % 60000 === 0 ? "" : ` ${(ms % 60000) / 1000} s`}`

export const durationText = (ms) =>
  ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 60000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`

const el = (name, attributes = {}, children = []) => {
  const node = document.createElementNS(SVG, name)
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value))
  for (const child of children) node.append(child)
  return node
}

const text = (content, attributes) => {
  const node = el("text", attributes)
  node.textContent = content
  return node
}

const groupTitle = (name) => {
  if (name === "") return "Task"
  const m = /^([A-Za-z]+)\[(\d+)\]$/.exec(name)
  return m === null ? name : `${m[1][0].toUpperCase()}${m[1].slice(1)} ${Number(m[2]) + 1}`
}

const tooltip = (bar) => {
  const e = bar.entry
  const lines = [
    `${e.stage}${e.phase === "compensate" ? " (undo)" : ""} — attempt ${e.attempt}`,
    `${e.state}, ${durationText(bar.end - bar.start)}`
  ]
  if (e.error) lines.push(`${e.error.code}: ${e.error.message}`)
  if (e.request_ids.length > 0) lines.push(`request ids: ${e.request_ids.join(", ")}`)
  return lines.join("\n")
}

/**
 * Draws `model` (from `layout`) into a new <svg> `width` pixels wide. `names` maps a group to a
 * friendlier title (a server's name) where the task says it.
 */
export const render = (model, width, names = new Map()) => {
  const labelWidth = 230
  const rowHeight = 24
  const groupHeight = 26
  const axisHeight = 28
  const right = 16
  const plot = Math.max(200, width - labelWidth - right)
  const span = Math.max(1, model.to - model.from)
  const x = (t) => labelWidth + ((t - model.from) / span) * plot
  const rowCount = model.groups.reduce((n, g) => n + g.rows.length, 0)
  const height = axisHeight + model.groups.length * groupHeight + rowCount * rowHeight + 8

  const svg = el("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    class: "gantt",
    role: "img",
    "aria-label": "Timeline of the task's stages"
  })
  const defs = el("defs", {}, [
    el(
      "pattern",
      { id: "stripes", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      [el("rect", { width: 4, height: 8, fill: "rgba(255,255,255,0.35)" })]
    )
  ])
  svg.append(defs)

  // The axis: a tick and a grid line every step, labelled from the task's first start.
  const step = tickStep(span)
  const grid = el("g", { class: "grid" })
  for (let t = 0; t <= span; t += step) {
    grid.append(el("line", { x1: x(model.from + t), x2: x(model.from + t), y1: axisHeight - 6, y2: height }))
    grid.append(text(tickLabel(t), { x: x(model.from + t), y: axisHeight - 12, class: "tick" }))
  }
  svg.append(grid)

  let y = axisHeight
  for (const group of model.groups) {
    svg.append(el("rect", { x: 0, y, width, height: groupHeight, class: "group-band" }))
    svg.append(
      text(names.get(group.name) ?? groupTitle(group.name), { x: 8, y: y + 17, class: "group-title" })
    )
    y += groupHeight
    group.rows.forEach((row, i) => {
      const g = el("g", { class: "row", "data-stage": row.bars[0].entry.stage })
      if (i % 2 === 1) g.append(el("rect", { x: 0, y, width, height: rowHeight, class: "row-alt" }))
      g.append(text(row.label, { x: 20, y: y + 16, class: "row-label" }))
      for (const bar of row.bars) {
        const x1 = x(bar.start)
        const w = Math.max(3, x(bar.end) - x1)
        const rect = el("rect", {
          x: x1,
          y: y + 4,
          width: w,
          height: rowHeight - 8,
          rx: 3,
          class: `bar ${bar.kind}`,
          "data-state": bar.entry.state,
          "data-phase": bar.entry.phase,
          "data-attempt": bar.entry.attempt
        })
        const title = el("title")
        title.textContent = tooltip(bar)
        rect.append(title)
        g.append(rect)
        if (bar.kind === "running") {
          g.append(
            el("rect", {
              x: x1,
              y: y + 4,
              width: w,
              height: rowHeight - 8,
              rx: 3,
              fill: "url(#stripes)",
              class: "stripes"
            })
          )
        }
        // Inside the bar when it has room: the attempt (from the second) and how long it took.
        const words = [
          bar.entry.attempt > 1 ? `#${bar.entry.attempt}` : "",
          bar.entry.state === "RUNNING" ? "" : durationText(bar.end - bar.start)
        ]
          .filter((word) => word !== "")
          .join(" · ")
        if (words !== "" && w > words.length * 6.2 + 8) {
          g.append(text(words, { x: x1 + 5, y: y + 16, class: "bar-label" }))
        } else if (bar.entry.attempt > 1 && w > 18) {
          g.append(text(`#${bar.entry.attempt}`, { x: x1 + 4, y: y + 16, class: "bar-label" }))
        }
      }
      svg.append(g)
      y += rowHeight
    })
  }
  return svg
}
