/**
 * Enamel deployed for one benchmark: a throw-away database and AMQP namespace, the API and a worker as
 * their own processes (compiled with esbuild), and afterwards nothing left behind: the users' keys made
 * (application credentials and Barbican secrets), the queues and exchanges, the database.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { removeTopology } from "@enamel/broker/testing"
import { registry } from "@enamel/domain/flows"
import { Effect } from "effect"
import { bundle } from "./build.js"
import { call, identityEnv, login, sleep } from "./cloud.js"

export const psql = (sql: string, database = "postgres") =>
  execFileSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql], {
    encoding: "utf8",
    env: { ...process.env, PGPASSWORD: process.env.PGPASSWORD ?? "postgres" }
  }).trim()

export const databaseUrl = (database: string) => `postgres://postgres:postgres@127.0.0.1:5432/${database}`

export const freePort = () => 18_000 + Math.floor(Math.random() * 2000)

export const waitForHttp = async (url: string, what: string, child: ChildProcess) => {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`)
    // Bounded: a request that lands between listen() and the app being attached is never answered.
    const up = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      () => true,
      () => false
    )
    if (up) return
    await sleep(100)
  }
  throw new Error(`${what} did not start`)
}

export const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return
  child.kill("SIGTERM")
  for (let i = 0; i < 100 && child.exitCode === null; i++) await sleep(100)
  if (child.exitCode === null) child.kill("SIGKILL")
}

export interface Deployment {
  readonly database: string
  readonly namespace: string
  readonly apiUrl: string
  readonly api: ChildProcess | undefined
  readonly worker: ChildProcess | undefined
  /** One more worker process like the first (its own admin port), stopped by `close` too. */
  readonly startWorker: () => Promise<ChildProcess>
  readonly close: () => Promise<void>
}

export interface DeploymentOptions {
  /** ENAMEL_WORKER_TOPICS for a worker; none when absent. */
  readonly workerTopics?: string
  readonly accessLog: boolean
  /** The worker's entry point (default packages/worker/src/main.ts: the cloud flows). */
  readonly workerEntry?: string
  /** Without the API (a worker alone). */
  readonly withoutApi?: boolean
  /** A prebuilt API script instead of bundling packages/api/src/main.ts (to compare two builds). */
  readonly apiScript?: string
  /** The checkout the API and worker are built from (default this one; a baseline's to compare). */
  readonly root?: string
  /** Extra environment for both processes. */
  readonly env?: Record<string, string>
}

/** Starts the API (and a worker) and returns how to reach and stop them. */
export const deploy = async (options: DeploymentOptions): Promise<Deployment> => {
  const id = Date.now().toString(36) + Math.floor(Math.random() * 1e4).toString(36)
  const database = `enamel_bench_${id}`
  const namespace = deploymentNamespace(id)
  psql(`CREATE DATABASE ${database}`)
  const [apiJs, workerJs] = await Promise.all([
    bundle("packages/api/src/main.ts", "api", options.root),
    bundle(options.workerEntry ?? "packages/worker/src/main.ts", "worker", options.root)
  ])
  const apiPort = freePort()
  const env = {
    ...process.env,
    ...identityEnv("enamel"),
    ENAMEL_DATABASE_URL: databaseUrl(database),
    ENAMEL_AMQP_NAMESPACE: namespace,
    ENAMEL_API_PORT: String(apiPort),
    ENAMEL_ACCESS_LOG: String(options.accessLog),
    ENAMEL_WORKER_ADMIN_PORT: String(apiPort + 1),
    ENAMEL_WORKER_TOPICS: options.workerTopics ?? "server.create=4,server.delete=2",
    ...options.env
  }
  // BENCH_CPU_PROF=<dir>: the API and worker write V8 CPU profiles there when they stop.
  const profile =
    process.env.BENCH_CPU_PROF === undefined
      ? []
      : ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  const apiUrl = `http://127.0.0.1:${apiPort}`
  const start = (script: string, extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [...profile, script], {
      env: { ...env, ...extra },
      stdio: ["ignore", "ignore", "inherit"]
    })
    killOnExit(child)
    return child
  }
  let api: ChildProcess | undefined
  let worker: ChildProcess | undefined
  const moreWorkers: Array<ChildProcess> = []
  let adminPort = apiPort + 1
  const startWorker = async () => {
    adminPort += 1
    const child = start(workerJs, { ENAMEL_WORKER_ADMIN_PORT: String(adminPort) })
    moreWorkers.push(child)
    await waitForHttp(`http://127.0.0.1:${adminPort}/`, "a worker", child)
    return child
  }
  const close = async () => {
    await Promise.all(
      [api, worker, ...moreWorkers].map((child) => (child === undefined ? undefined : stop(child)))
    )
    await tearDown(id, topicsOf(env.ENAMEL_WORKER_TOPICS))
  }
  try {
    // One after the other: each migrates the database at start.
    if (options.withoutApi !== true) {
      api = start(options.apiScript ?? apiJs)
      await waitForHttp(`${apiUrl}/`, "the API", api)
    }
    if (options.workerTopics !== undefined) {
      worker = start(workerJs)
      await waitForHttp(`http://127.0.0.1:${apiPort + 1}/`, "the worker", worker)
    }
  } catch (error) {
    await close()
    throw error
  }
  return { database, namespace, apiUrl, api, worker, startWorker, close }
}

/** A benchmark that dies must not leave its API or worker running. */
export const killOnExit = (child: ChildProcess) => process.once("exit", () => child.kill("SIGKILL"))

/** Removes what deployment `id` made: users' keys, queues and exchanges, the database. */
const tearDown = async (id: string, topics: ReadonlyArray<string>) => {
  const database = `enamel_bench_${id}`
  await deleteUserKeys(database)
  await Effect.runPromise(removeTopology({ namespace: deploymentNamespace(id), topics, own: true }))
  psql(`DROP DATABASE ${database} WITH (FORCE)`)
}

/**
 * What earlier runs that were killed left behind (their databases name them), removed. A database that
 * has connections, or was made in the last 10 minutes (its id starts with Date.now() in base 36), belongs
 * to a benchmark running now in another shell: it is left alone.
 */
export const tearDownLeftovers = async () => {
  const ids = psql(
    `SELECT substr(datname, 14) FROM pg_database WHERE datname LIKE 'enamel\\_bench\\_%'
       AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)`
  )
  const recent = (id: string) => Date.now() - Number.parseInt(id.slice(0, 8), 36) < 10 * 60_000
  for (const id of ids.split("\n").filter((line) => line !== "" && !recent(line))) {
    console.error(`removing what an interrupted run left: enamel_bench_${id}`)
    await tearDown(id, [...registry.commands.map((command) => command.type), "bench.noop"])
    await Effect.runPromise(
      removeTopology({
        namespace: floorNamespace(deploymentNamespace(id)),
        topics: ["server.create"],
        own: true
      })
    )
  }
}

/** The AMQP namespace of deployment `id`. */
const deploymentNamespace = (id: string) => `bench-${id}`

/** The AMQP namespace of the accepting floor run beside a deployment's (bench/acceptFloor.ts). */
export const floorNamespace = (namespace: string) => `${namespace}-floor`

const topicsOf = (topics: string) => topics.split(",").map((t) => t.split("=")[0] ?? "")

/** The keys the API made for users (alice's, here): application credential and Barbican secret. */
const deleteUserKeys = async (database: string) => {
  // A run killed before the API migrated its database left no table, so no keys.
  if (psql("SELECT to_regclass('user_keys') IS NOT NULL", database) !== "t") return
  const rows = psql("SELECT credential_id || ' ' || secret_ref FROM user_keys", database)
  if (rows === "") return
  const [alice, enamel] = await Promise.all([login("alice"), login("enamel")])
  for (const row of rows.split("\n")) {
    const [credentialId, secretRef] = row.split(" ")
    const userId = await call<{ token: { user: { id: string } } }>(
      alice,
      "identity",
      "GET",
      "/auth/tokens",
      undefined,
      {
        "x-subject-token": alice.token
      }
    )
    await call(
      alice,
      "identity",
      "DELETE",
      `/users/${userId.token.user.id}/application_credentials/${credentialId}`
    )
    await fetch(secretRef ?? "", { method: "DELETE", headers: { "x-auth-token": enamel.token } })
  }
}
