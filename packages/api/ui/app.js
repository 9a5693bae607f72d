// The timeline page: sign-in, the user's tasks, and one task's Gantt chart, live while it runs.
// Everything comes from Enamel's API with the user's token, which lives in session storage only.
import { durationText, kinds, layout, render } from "./gantt.js"

const sessionKey = "enamel.session"
const terminal = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK"])

const state = {
  session: null,
  tasks: [],
  selected: null,
  task: null,
  entries: new Map(),
  live: null,
  listTimer: null,
  tickTimer: null
}

const $ = (selector) => document.querySelector(selector)

const h = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value)
    else node.setAttribute(key, value)
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child)
  return node
}

// ---- session ---------------------------------------------------------------------------------------

const loadSession = () => {
  try {
    const stored = JSON.parse(sessionStorage.getItem(sessionKey) ?? "null")
    if (stored === null) return null
    if (stored.expires_at !== null && Date.parse(stored.expires_at) <= Date.now()) return null
    return stored
  } catch {
    return null
  }
}

const saveSession = (session) => {
  sessionStorage.setItem(sessionKey, JSON.stringify(session))
  state.session = session
}

const signOut = (message) => {
  sessionStorage.removeItem(sessionKey)
  state.session = null
  stopLive()
  clearInterval(state.listTimer)
  showSignIn(message)
}

/** The API's error document, in a sentence. */
const problemOf = async (response) => {
  try {
    const body = await response.json()
    const error = body.errors?.[0]
    if (error !== undefined) return `${error.detail} (${error.code})`
  } catch {}
  return `${response.status} ${response.statusText}`
}

const api = async (path, init = {}) => {
  const response = await fetch(path, {
    ...init,
    headers: { accept: "application/json", "x-auth-token": state.session.token, ...(init.headers ?? {}) }
  })
  if (response.status === 401) {
    signOut("Your token expired or was refused: sign in again.")
    throw new Error("signed out")
  }
  if (!response.ok) throw new Error(await problemOf(response))
  return response.json()
}

const showSignIn = (message) => {
  $("#signin").hidden = false
  $("#app").hidden = true
  $("#who").textContent = ""
  $("#signout").hidden = true
  $("#signin-error").textContent = message ?? ""
}

const onPasswordSignIn = async (event) => {
  event.preventDefault()
  const form = event.target
  const button = form.querySelector("button")
  button.disabled = true
  $("#signin-error").textContent = ""
  try {
    const body = {
      username: form.username.value.trim(),
      password: form.password.value,
      project: form.project.value.trim(),
      domain: form.domain.value.trim() || "Default"
    }
    const response = await fetch("/ui/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body)
    })
    if (!response.ok) throw new Error(await problemOf(response))
    const { token } = await response.json()
    form.password.value = ""
    saveSession({
      token: token.id,
      expires_at: token.expires_at,
      user: token.user.name,
      project: token.project.name
    })
    start()
  } catch (error) {
    $("#signin-error").textContent = error.message
  } finally {
    button.disabled = false
  }
}

const onTokenSignIn = async (event) => {
  event.preventDefault()
  const token = event.target.token.value.trim()
  $("#signin-error").textContent = ""
  const response = await fetch("/tasks?limit=1", {
    headers: { "x-auth-token": token, accept: "application/json" }
  })
  if (!response.ok) {
    $("#signin-error").textContent = await problemOf(response)
    return
  }
  event.target.token.value = ""
  saveSession({ token, expires_at: null, user: "token", project: "" })
  start()
}

// ---- the list --------------------------------------------------------------------------------------

const ago = (iso) => {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000)
  if (s < 60) return `${Math.round(s)} s ago`
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  if (s < 86400) return `${Math.round(s / 3600)} h ago`
  return new Date(iso).toLocaleDateString()
}

const badge = (taskState) =>
  h("span", { class: `badge ${taskState.toLowerCase()}` }, taskState.replace("_", " "))

const taskName = (task) => {
  const params = task.params ?? {}
  const name = typeof params.name === "string" ? params.name : undefined
  const count = typeof params.count === "number" && params.count > 1 ? ` ×${params.count}` : ""
  return name === undefined ? task.id.slice(0, 8) : `${name}${count}`
}

const renderList = () => {
  const list = $("#tasks")
  list.replaceChildren(
    ...state.tasks.map((task) =>
      h(
        "li",
        {
          class: `task-item${task.id === state.selected ? " selected" : ""}`,
          "data-task-id": task.id,
          onclick: () => select(task.id)
        },
        h("div", { class: "task-line" }, h("span", { class: "task-type" }, task.type), badge(task.state)),
        h(
          "div",
          { class: "task-line sub" },
          h("span", {}, taskName(task)),
          h("span", {}, ago(task.created_at))
        )
      )
    )
  )
  $("#tasks-empty").hidden = state.tasks.length > 0
}

const refreshList = async () => {
  try {
    const body = await api("/tasks?state=all&limit=50")
    state.tasks = body.tasks
    renderList()
  } catch (error) {
    if (error.message !== "signed out") $("#tasks-empty").textContent = error.message
  }
}

// ---- one task --------------------------------------------------------------------------------------

const keyOf = (entry) => `${entry.phase}|${entry.stage}|${entry.attempt}`

const stopLive = () => {
  state.live?.abort()
  state.live = null
  clearInterval(state.tickTimer)
  $("#live").hidden = true
}

/** `GET /tasks/{id}/events` read with fetch (EventSource cannot send X-Auth-Token). */
const follow = async (taskId) => {
  stopLive()
  const controller = new AbortController()
  state.live = controller
  $("#live").hidden = false
  state.tickTimer = setInterval(draw, 500)
  try {
    const response = await fetch(`/tasks/${taskId}/events`, {
      headers: { "x-auth-token": state.session.token, accept: "text/event-stream" },
      signal: controller.signal
    })
    if (!response.ok || response.body === null) throw new Error(await problemOf(response))
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ""
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += value
      const frames = buffer.split("\n\n")
      buffer = frames.pop() ?? ""
      for (const frame of frames) onFrame(taskId, frame)
    }
  } catch (error) {
    if (error.name !== "AbortError") $("#detail-error").textContent = `Live updates stopped: ${error.message}`
  } finally {
    if (state.live === controller) stopLive()
    draw()
  }
}

const onFrame = (taskId, frame) => {
  if (state.selected !== taskId) return
  let event = "message"
  let data = ""
  for (const line of frame.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim()
    else if (line.startsWith("data:")) data += line.slice(5).trim()
  }
  if (data === "") return
  const value = JSON.parse(data)
  if (event === "stage") state.entries.set(keyOf(value), value)
  if (event === "task") {
    state.task = { ...state.task, ...value }
    const listed = state.tasks.findIndex((t) => t.id === value.id)
    if (listed >= 0) state.tasks[listed] = value
    renderList()
  }
  scheduleDraw()
}

let drawPending = false
const scheduleDraw = () => {
  if (drawPending) return
  drawPending = true
  requestAnimationFrame(() => {
    drawPending = false
    draw()
  })
}

const select = async (taskId) => {
  if (location.hash !== `#/tasks/${taskId}`) history.replaceState(null, "", `#/tasks/${taskId}`)
  stopLive()
  state.selected = taskId
  state.task = null
  state.entries = new Map()
  renderList()
  $("#detail-error").textContent = ""
  $("#placeholder").hidden = true
  $("#detail").hidden = false
  try {
    const { task } = await api(`/tasks/${taskId}`)
    if (state.selected !== taskId) return
    state.task = task
    for (const entry of task.timeline) state.entries.set(keyOf(entry), entry)
    draw()
    if (!terminal.has(task.state)) follow(taskId)
  } catch (error) {
    if (error.message !== "signed out") $("#detail-error").textContent = error.message
  }
}

/** Ids in a result that point at what the task did not make (the network a port is on, …). */
const references = new Set([
  "network_id",
  "subnet_id",
  "port_id",
  "image_id",
  "flavor_id",
  "project_id",
  "user_id",
  "server_id"
])

/** `floating_ips` → `Floating IP`, `volume_id` → `Volume`. */
const label = (key) =>
  key
    .replace(/_id$/, "")
    .replace(/ies$/, "y")
    .replace(/s$/, "")
    .replaceAll("_", " ")
    .replace(/\bip\b/g, "IP")
    .replace(/^./, (c) => c.toUpperCase())

/** The ids in one part of a result, each with what it is (`kind`: the key it was found under). */
const rowsOf = (value, kind) => {
  if (Array.isArray(value)) return value.flatMap((item) => rowsOf(item, kind))
  if (value === null || typeof value !== "object") return []
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === "id" && typeof inner === "string")
      return [
        { label: label(kind), value: inner, note: typeof value.address === "string" ? value.address : "" }
      ]
    if (key.endsWith("_id") && typeof inner === "string" && !references.has(key))
      return [{ label: label(key), value: inner, note: "" }]
    return typeof inner === "object" ? rowsOf(inner, key) : []
  })
}

/** What the task made, from its result: a card per item of each list (each server), with its ids. */
const madeOf = (result) => {
  if (result === null || typeof result !== "object") return []
  return Object.entries(result)
    .flatMap(([key, value]) =>
      Array.isArray(value)
        ? value.map((item, i) => ({
            title: `${label(key)} ${i + 1}${typeof item?.name === "string" ? ` · ${item.name}` : ""}`,
            rows: rowsOf(item, key)
          }))
        : [{ title: label(key), rows: rowsOf(value, key) }]
    )
    .filter((card) => card.rows.length > 0)
}

/**
 * Each server's title: its name from the result once there is one; while the task runs, the name
 * server.create gives it (`name`, or `name-1`, `name-2`, … for a count).
 */
const groupNames = (task) => {
  const names = new Map()
  const { name, count } = task.params ?? {}
  if (typeof name === "string" && (typeof count === "number" || count === undefined)) {
    const n = count ?? 1
    for (let i = 0; i < n; i++)
      names.set(`server[${i}]`, `Server ${i + 1} · ${n === 1 ? name : `${name}-${i + 1}`}`)
  }
  const servers = task.result?.servers
  if (Array.isArray(servers))
    servers.forEach((server, i) => {
      if (typeof server?.name === "string") names.set(`server[${i}]`, `Server ${i + 1} · ${server.name}`)
    })
  return names
}

const fact = (label, value) => h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value))

const draw = () => {
  const task = state.task
  if (task === null) return
  const entries = [...state.entries.values()]
  const now = Date.now()
  const ended = task.ended_at === null ? undefined : Date.parse(task.ended_at)
  const started = task.started_at === null ? undefined : Date.parse(task.started_at)
  const elapsed = started === undefined ? undefined : (ended ?? now) - started

  $("#task-title").replaceChildren(
    h("span", {}, `${task.type}`),
    " ",
    h("span", { class: "muted" }, taskName(task))
  )
  $("#task-state").replaceChildren(badge(task.state))
  $("#task-facts").replaceChildren(
    fact("Task", h("code", {}, task.id)),
    fact("Created", new Date(task.created_at).toLocaleString()),
    fact("Duration", elapsed === undefined ? "—" : durationText(elapsed)),
    fact(
      "Stages done",
      `${task.progress.done}${task.progress.total === null ? "" : ` of ${task.progress.total}`}`
    )
  )

  const failure = task.error
  $("#failure").hidden = failure === null
  if (failure !== null)
    $("#failure").replaceChildren(
      h("strong", {}, failure.stage === undefined ? "The task failed" : `Failed at ${failure.stage}`),
      h("div", { class: "cloud-message" }, failure.message),
      h("code", {}, failure.code)
    )

  const model = layout(entries, now)
  const chart = $("#chart")
  if (entries.filter((e) => e.phase !== "flow").length === 0) {
    chart.replaceChildren(
      h("p", { class: "muted" }, terminal.has(task.state) ? "No stages ran." : "Waiting for the first stage…")
    )
  } else {
    chart.replaceChildren(render(model, Math.max(480, chart.clientWidth), groupNames(task)))
  }

  const problems = entries.filter((e) => e.error !== null && e.phase !== "flow")
  $("#problems-section").hidden = problems.length === 0
  $("#problems").replaceChildren(
    ...problems.map((e) =>
      h(
        "li",
        {},
        h(
          "span",
          { class: "problem-stage" },
          `${e.stage}${e.phase === "compensate" ? " (undo)" : ""} #${e.attempt}`
        ),
        h("span", { class: `badge ${e.state.toLowerCase()}` }, e.state),
        h("div", { class: "cloud-message" }, e.error.message),
        h("code", {}, e.error.code)
      )
    )
  )

  const made = madeOf(task.result)
  $("#made-section").hidden = made.length === 0
  $("#made").replaceChildren(
    ...made.map((card) =>
      h(
        "div",
        { class: "made-card" },
        h("h3", {}, card.title),
        ...card.rows.map((row) =>
          h(
            "div",
            { class: "made-row" },
            h("span", { class: "made-kind" }, row.label),
            h("code", {}, row.value),
            row.note === "" ? null : h("span", { class: "made-note" }, row.note)
          )
        )
      )
    )
  )
}

// ---- start -----------------------------------------------------------------------------------------

const legend = () =>
  $("#legend").replaceChildren(
    ...kinds.map(({ kind, label }) =>
      h("span", { class: "legend-item" }, h("span", { class: `swatch ${kind}` }), label)
    )
  )

const start = () => {
  $("#signin").hidden = true
  $("#app").hidden = false
  $("#who").textContent =
    state.session.project === "" ? state.session.user : `${state.session.user} · ${state.session.project}`
  $("#signout").hidden = false
  refreshList()
  clearInterval(state.listTimer)
  state.listTimer = setInterval(refreshList, 3000)
  const wanted = /^#\/tasks\/([0-9a-f-]{36})$/.exec(location.hash)
  if (wanted !== null) select(wanted[1])
}

legend()
$("#password-form").addEventListener("submit", onPasswordSignIn)
$("#token-form").addEventListener("submit", onTokenSignIn)
$("#signout").addEventListener("click", () => signOut())
window.addEventListener("resize", scheduleDraw)
window.addEventListener("hashchange", () => {
  const wanted = /^#\/tasks\/([0-9a-f-]{36})$/.exec(location.hash)
  if (state.session !== null && wanted !== null && wanted[1] !== state.selected) select(wanted[1])
})
state.session = loadSession()
if (state.session === null) showSignIn()
else start()
