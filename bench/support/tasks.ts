/**
 * Enamel's API as the benchmarks drive it: a request with the caller's token, and the task it started
 * polled until it ends.
 */
import { type Login, sleep } from "./cloud.js"

/** One attempt of one stage (or of the whole flow: phase `flow`), as `GET /tasks/{id}` shows it. */
export interface TimelineEntry {
  readonly stage: string
  readonly phase: string
  readonly started_at: string
  readonly ended_at: string | null
  readonly duration_ms: number | null
}

export interface Task<R> {
  readonly id: string
  readonly state: string
  readonly error: unknown
  readonly result: R | null
  readonly created_at: string
  /** In `GET /tasks/{id}` only. */
  readonly timeline?: ReadonlyArray<TimelineEntry>
}

export interface TaskView<R> {
  readonly task: Task<R>
}

/** One request to the API with the caller's token; throws on a non-2xx answer. */
export const enamelCall = async <R = unknown>(
  apiUrl: string,
  who: Login,
  method: string,
  path: string,
  body?: unknown
) => {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { "x-auth-token": who.token, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as TaskView<R>
}

/** The task once it has ended (SUCCEEDED, FAILED or CANCELLED), looked at every `everyMs`. */
export const finished = async <R = unknown>(apiUrl: string, who: Login, taskId: string, everyMs: number) => {
  for (let i = 0; i < 6000; i++) {
    const { task } = await enamelCall<R>(apiUrl, who, "GET", `/tasks/${taskId}`)
    if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(task.state)) return task
    await sleep(everyMs)
  }
  throw new Error(`task ${taskId} did not finish`)
}

/**
 * A command run to its end: the request, then its task looked at every `everyMs`; fails unless it
 * SUCCEEDED. Returns the task as last seen, with its result and timeline.
 */
export const succeeded = async <R>(
  apiUrl: string,
  who: Login,
  everyMs: number,
  method: string,
  path: string,
  body?: unknown
): Promise<Task<R> & { readonly result: R }> => {
  const { task } = await enamelCall<R>(apiUrl, who, method, path, body)
  const done = await finished<R>(apiUrl, who, task.id, everyMs)
  const result = done.result
  if (done.state !== "SUCCEEDED" || result === null)
    throw new Error(`${method} ${path}: task ${task.id} ended ${done.state}: ${JSON.stringify(done.error)}`)
  return { ...done, result }
}

/**
 * Where a task's time went, in ms and in order, from the client's clock at the request (`postedAt`) to
 * the moment it saw the task ended (`seenAt`), both `Date.now()`: until the API had stored the task; until
 * the worker began the first stage (the queue and the pick-up); each stage's run (its attempts summed);
 * the gaps between stages (checkpoints); and from the end of the last stage until the client saw the end
 * (the task's end written, and the client's polling).
 */
export const timeSplit = (task: Task<unknown>, postedAt: number, seenAt: number) => {
  const runs = (task.timeline ?? []).filter((e) => e.phase === "run")
  const at = (iso: string | null) => (iso === null ? Number.NaN : Date.parse(iso))
  const created = at(task.created_at)
  const firstStart = Math.min(...runs.map((e) => at(e.started_at)))
  const lastEnd = Math.max(...runs.map((e) => at(e.ended_at)))
  const stages = new Map<string, number>()
  for (const e of runs) stages.set(e.stage, (stages.get(e.stage) ?? 0) + (e.duration_ms ?? Number.NaN))
  const inStages = [...stages.values()].reduce((a, b) => a + b, 0)
  return [
    ["POST → task stored", created - postedAt],
    ["stored → first stage", firstStart - created],
    ...stages.entries(),
    ["between stages", lastEnd - firstStart - inStages],
    ["last stage → seen ended", seenAt - lastEnd]
  ] as Array<readonly [string, number]>
}

/**
 * A command run to its end (`succeeded`, looked at every 50 ms), timed from the request until the client
 * saw it SUCCEEDED, with where that time went (`timeSplit`).
 */
export const timedTask = async <R>(
  apiUrl: string,
  who: Login,
  method: string,
  path: string,
  body?: unknown
) => {
  const postedAt = Date.now()
  const started = performance.now()
  const task = await succeeded<R>(apiUrl, who, 50, method, path, body)
  const seconds = (performance.now() - started) / 1000
  return { task, seconds, split: timeSplit(task, postedAt, Date.now()) }
}

/** The body of POST /servers for one server with a 1 GB boot volume from the `tiny` image on `private`. */
export const serverRequest = (name: string) => ({
  name,
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 1 },
  networks: [{ network: "private" }]
})

/**
 * A server with a 1 GB boot volume from the `tiny` image on `private`, made through Enamel (untimed; it
 * also makes the caller's key, as any first request does). Returns its id.
 */
export const enamelServer = async (apiUrl: string, who: Login, name: string) => {
  const created = await succeeded<{ servers: ReadonlyArray<{ id: string }> }>(
    apiUrl,
    who,
    200,
    "POST",
    "/servers",
    serverRequest(name)
  )
  const serverId = created.result.servers[0]?.id
  if (serverId === undefined) throw new Error("Enamel made no server")
  return serverId
}
