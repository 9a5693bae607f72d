/**
 * Takeover: how long a task whose worker died waits before another worker carries it on, with the
 * default settings. Two worker processes (compiled like the other parts) serve one deployment; a
 * `server.create` (one server, a 1 GB boot volume, one port) is sent, its worker is SIGKILLed while the
 * task is at a stage (in turn: a create stage, `bootServer` or `createBootVolume`, as soon as it is seen
 * running; a wait stage, `waitServerActive` or `waitVolumeAvailable`, half a second in), and a
 * replacement is started at once. Measured from the kill: the first stage attempt the other worker
 * starts (the task's timeline, PostgreSQL's clock on this machine), the end of the killed stage, and the
 * end of the task as a client polling every 100 ms sees it. Each task must SUCCEED having made exactly one
 * server, one volume and one port (counted by the task's marks: no duplicate from the cut-off attempt),
 * and its deletion must leave none of them.
 *
 * BENCH_BASELINE=<revision> adds a second side: a deployment built from that revision
 * (bench/support/baseline.ts), its kills alternating with this checkout's, to compare two builds in one run.
 */
import type { ChildProcess } from "node:child_process"
import type { Baseline } from "./support/baseline.js"
import { call, type Login, login, sleep } from "./support/cloud.js"
import { type Deployment, deploy, psql } from "./support/enamel.js"
import { median, round } from "./support/stats.js"
import { enamelCall, enamelServer, finished, serverRequest } from "./support/tasks.js"

/** Where a kill lands: the stage (its name, the last part of its path) and how long after it is seen. */
const killPoints = [
  { stage: "bootServer", kind: "create", afterMs: 0 },
  { stage: "waitServerActive", kind: "wait", afterMs: 500 },
  { stage: "createBootVolume", kind: "create", afterMs: 0 },
  { stage: "waitVolumeAvailable", kind: "wait", afterMs: 500 }
] as const

export interface Kill {
  readonly stage: string
  readonly kind: "create" | "wait"
  /** From the kill until another worker started a stage attempt of the task. */
  readonly takeoverSeconds: number
  /** From the kill until the killed stage succeeded (its resumed attempt's end). */
  readonly stageDoneSeconds: number
  /** From the kill until the client saw the task SUCCEEDED. */
  readonly endSeconds: number
  /** The killed stage's attempts, `attempt:state`. */
  readonly attempts: string
}

export interface TakeoverSide {
  readonly kills: ReadonlyArray<Kill>
  readonly takeover: { readonly median: number; readonly max: number }
  readonly end: { readonly median: number; readonly max: number }
}

export interface TakeoverResult {
  readonly kills: number
  readonly sides: Readonly<Record<string, TakeoverSide>>
}

/** One row of psql's unaligned output, split at `|`; none when the query returned no row. */
const row = (database: string, sql: string) => {
  const out = psql(sql, database)
  return out === "" ? undefined : out.split("\n")[0]?.split("|")
}

/** Two workers of one deployment, by process id (their lease owner is `worker-<pid>-…`). */
const workerPool = async (deployment: Deployment) => {
  const workers = new Map<number, ChildProcess>()
  const add = (child: ChildProcess | undefined) => {
    if (child?.pid !== undefined) workers.set(child.pid, child)
  }
  add(deployment.worker)
  add(await deployment.startWorker())
  return {
    /** SIGKILLs the worker that holds the lease `owner`, waits until it is gone, starts a replacement. */
    kill: async (owner: string) => {
      const pid = Number(/^worker-(\d+)-/.exec(owner)?.[1])
      const victim = workers.get(pid)
      if (victim === undefined) throw new Error(`no worker of this run holds the lease (${owner})`)
      const gone = new Promise((resolve) => victim.once("exit", resolve))
      victim.kill("SIGKILL")
      const killedAt = Date.now()
      await gone
      workers.delete(pid)
      add(await deployment.startWorker())
      return killedAt
    }
  }
}

/** What the cloud holds with task `taskId`'s marks: servers named `name`, volumes and ports by mark. */
const made = async (who: Login, taskId: string, name: string) => {
  const [servers, volumes, ports] = await Promise.all([
    call<{ servers: ReadonlyArray<{ name: string }> }>(
      who,
      "compute",
      "GET",
      `/servers?name=${encodeURIComponent(`^${name}$`)}`
    ),
    call<{ volumes: ReadonlyArray<{ metadata: Readonly<Record<string, string>> }> }>(
      who,
      "volumev3",
      "GET",
      "/volumes/detail"
    ),
    call<{ ports: ReadonlyArray<unknown> }>(
      who,
      "network",
      "GET",
      `/v2.0/ports?tags=${encodeURIComponent(`enamel_task=${taskId}`)}`
    )
  ])
  return {
    servers: servers.servers.filter((s) => s.name === name).length,
    volumes: volumes.volumes.filter((v) => v.metadata.enamel_task === taskId).length,
    ports: ports.ports.length
  }
}

/** One server.create, its worker killed at `point`; the times from the kill, after checking what it made. */
const killOnce = async (
  deployment: Deployment,
  pool: Awaited<ReturnType<typeof workerPool>>,
  who: Login,
  name: string,
  point: (typeof killPoints)[number]
): Promise<Kill> => {
  const db = deployment.database
  const { task } = await enamelCall<{ servers: ReadonlyArray<{ id: string }> }>(
    deployment.apiUrl,
    who,
    "POST",
    "/servers",
    serverRequest(name)
  )
  const running = `
    SELECT t.lease_owner FROM tasks t JOIN task_timeline l ON l.task_id = t.id
    WHERE t.id = '${task.id}' AND l.phase = 'run' AND l.path LIKE '%/${point.stage}'
      AND l.attempt = 1 AND l.state = 'RUNNING' AND t.lease_owner IS NOT NULL`
  let owner: string | undefined
  for (let i = 0; i < 3000 && owner === undefined; i++) {
    owner = row(db, running)?.[0]
    if (owner === undefined) await sleep(20)
  }
  if (owner === undefined) throw new Error(`task ${task.id} never ran ${point.stage}`)
  if (point.afterMs > 0) await sleep(point.afterMs)
  const killedAt = await pool.kill(owner)
  const done = await finished<{ servers: ReadonlyArray<{ id: string }> }>(
    deployment.apiUrl,
    who,
    task.id,
    100
  )
  const endSeconds = (Date.now() - killedAt) / 1000
  const serverId = done.result?.servers?.[0]?.id
  if (done.state !== "SUCCEEDED" || serverId === undefined)
    throw new Error(`task ${task.id} ended ${done.state}: ${JSON.stringify(done.error)}`)
  const ms = (sql: string) => Number(row(db, sql)?.[0])
  const resumedAt = ms(`
    SELECT extract(epoch FROM min(started_at)) * 1000 FROM task_timeline
    WHERE task_id = '${task.id}' AND phase = 'run' AND started_at > to_timestamp(${killedAt / 1000})`)
  const stageDoneAt = ms(`
    SELECT extract(epoch FROM max(ended_at)) * 1000 FROM task_timeline
    WHERE task_id = '${task.id}' AND phase = 'run' AND path LIKE '%/${point.stage}' AND state = 'SUCCEEDED'`)
  const attempts = psql(
    `SELECT string_agg(attempt || ':' || state, ', ' ORDER BY attempt) FROM task_timeline
     WHERE task_id = '${task.id}' AND phase = 'run' AND path LIKE '%/${point.stage}'`,
    db
  )
  const counts = await made(who, task.id, name)
  if (counts.servers !== 1 || counts.volumes !== 1 || counts.ports !== 1)
    throw new Error(`task ${task.id} (killed at ${point.stage}) made ${JSON.stringify(counts)}`)
  // Once more when the first try met a kept-alive connection the API had just closed (ECONNRESET after
  // the idle look-ups above): the request never reached it.
  const deletion = await enamelCall(deployment.apiUrl, who, "DELETE", `/servers/${serverId}`).catch(
    (error: unknown) => {
      if (!(error instanceof Error && String(error.cause).includes("ECONNRESET"))) throw error
      return enamelCall(deployment.apiUrl, who, "DELETE", `/servers/${serverId}`)
    }
  )
  const deleted = await finished(deployment.apiUrl, who, deletion.task.id, 200)
  if (deleted.state !== "SUCCEEDED") throw new Error(`deleting ${serverId}: ${JSON.stringify(deleted.error)}`)
  const left = await made(who, task.id, name)
  if (left.servers + left.volumes + left.ports > 0)
    throw new Error(`deleting task ${task.id}'s server left ${JSON.stringify(left)}`)
  return {
    stage: point.stage,
    kind: point.kind,
    takeoverSeconds: round((resumedAt - killedAt) / 1000),
    stageDoneSeconds: round((stageDoneAt - killedAt) / 1000),
    endSeconds: round(endSeconds),
    attempts
  }
}

const summary = (kills: ReadonlyArray<Kill>): TakeoverSide => {
  const of = (xs: ReadonlyArray<number>) => ({ median: round(median(xs)), max: round(Math.max(...xs)) })
  return {
    kills,
    takeover: of(kills.map((k) => k.takeoverSeconds)),
    end: of(kills.map((k) => k.endSeconds))
  }
}

export const takeoverBench = async (kills: number, baseline?: Baseline): Promise<TakeoverResult> => {
  const alice = await login("alice")
  // Each side's checkout: this one, and the baseline's.
  const builds: Record<string, string | undefined> =
    baseline === undefined
      ? { "this build": undefined }
      : { "this build": undefined, [`baseline ${baseline.commit}`]: baseline.root }
  const tag = Date.now().toString(36)
  const sides: Array<{
    readonly name: string
    readonly deployment: Deployment
    readonly pool: Awaited<ReturnType<typeof workerPool>>
    readonly kills: Array<Kill>
  }> = []
  try {
    for (const [name, root] of Object.entries(builds)) {
      const deployment = await deploy({
        accessLog: false,
        workerTopics: "server.create=4,server.delete=2",
        ...(root === undefined ? {} : { root })
      })
      sides.push({ name, deployment, pool: await workerPool(deployment), kills: [] })
      // Untimed: makes alice's key (application credential) once, as any first request does.
      const warm = await enamelServer(deployment.apiUrl, alice, `bench-to-${tag}-warm${sides.length}`)
      const deletion = await enamelCall(deployment.apiUrl, alice, "DELETE", `/servers/${warm}`)
      await finished(deployment.apiUrl, alice, deletion.task.id, 200)
    }
    for (let k = 0; k < kills; k++) {
      const point = killPoints[k % killPoints.length]
      if (point === undefined) continue
      for (const [s, side] of sides.entries()) {
        const kill = await killOnce(side.deployment, side.pool, alice, `bench-to-${tag}-${s}k${k}`, point)
        side.kills.push(kill)
        console.error(`  takeover ${side.name} kill ${k + 1}/${kills}: ${JSON.stringify(kill)}`)
      }
    }
    return {
      kills,
      sides: Object.fromEntries(sides.map((side) => [side.name, summary(side.kills)]))
    }
  } finally {
    for (const side of sides) await side.deployment.close()
  }
}
