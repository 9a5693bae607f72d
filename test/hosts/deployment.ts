/**
 * Enamel deployed across test hosts (network namespaces, built by hosts.sh): two API processes behind
 * HAProxy and three worker processes, each on its own host, reaching the machine's PostgreSQL, RabbitMQ and
 * dev cloud over a bridge; and the handle the fault modules drive it with (cut, heal, loss, delay, stop,
 * kill and start a process, the cloud requests a host made, HAProxy's view of the API hosts).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { createServer } from "node:net"
import { resolve } from "node:path"
import { removeTopology } from "@enamel/broker/testing"
import * as TestDatabase from "@enamel/persistence/testing"
import { Data, Duration, Effect, Scope } from "effect"
import { bundle } from "../../bench/support/build.js"
import { uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { identityEnv } from "../e2e/enamel.js"
import { eventually } from "../support/poll.js"
import { type Answer, type NoAnswer, type SendOptions, send } from "./client.js"

/** The hosts' names; their namespaces are `<prefix>-<name>` (ENAMEL_HOSTS_PREFIX, default `en`). */
export type ApiHostName = "api1" | "api2"
export type WorkerHostName = "w1" | "w2" | "w3"
export type HostName = ApiHostName | WorkerHostName

/**
 * What a cut drops (both ways): a service, everything on the host's link, or (`replies`, API hosts) the
 * API's answers to HAProxy while requests still arrive and are carried out.
 */
export type CutTarget = "postgres" | "rabbitmq" | "cloud" | "all" | "replies"
export type Service = "postgres" | "rabbitmq" | "cloud"

export const prefix = process.env.ENAMEL_HOSTS_PREFIX ?? "en"
export const net = process.env.ENAMEL_HOSTS_NET ?? "10.77.0"
const stateDir = process.env.ENAMEL_HOSTS_DIR ?? `/tmp/enamel-hosts-${prefix}`
const hostsScript = resolve(import.meta.dirname, "hosts.sh")
const octets: Record<HostName, number> = { api1: 11, api2: 12, w1: 21, w2: 22, w3: 23 }
export const addressOf = (host: HostName) => `${net}.${octets[host]}`
export const namespaceOf = (host: HostName) => `${prefix}-${host}`
const apiPort = 8780
const workerAdminPort = 8781

export class HostsError extends Data.TaggedError("HostsError")<{ readonly message: string }> {}

/** hosts.sh with these arguments; its output. */
export const hostsSh = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  Effect.async<string, HostsError>((resume) => {
    execFile(hostsScript, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resume(
        error === null
          ? Effect.succeed(stdout)
          : Effect.fail(new HostsError({ message: `hosts.sh ${args.join(" ")}: ${error.message} ${stderr}` }))
      )
    )
  })

/** One line of a host's cloud request log. */
export interface CloudRequest {
  /** When the forwarder saw it (ms since the epoch). */
  readonly t: number
  /** The cloud port it went to: 5000 Keystone, 8774 Nova, 9696 Neutron, 8776 Cinder, 9292 Glance, … */
  readonly port: number
  /** `POST /v2.1/servers` */
  readonly request: string
}

const isCloudRequest = (value: unknown): value is CloudRequest =>
  typeof value === "object" &&
  value !== null &&
  "t" in value &&
  typeof value.t === "number" &&
  "port" in value &&
  typeof value.port === "number" &&
  "request" in value &&
  typeof value.request === "string"

/** An API host as HAProxy sees it (its stats page). */
export interface Backend {
  readonly name: string
  /** `UP`, `DOWN`, `UP 1/2` (going down), `DOWN 1/2` (coming up), `MAINT`, … */
  readonly status: string
  /** Requests (sessions) HAProxy has sent it in all. */
  readonly sessions: number
}

export interface StartOptions {
  /**
   * Another entry file for the process (a build whose flows changed), relative to the repository; compiled
   * (esbuild) like the usual ones.
   */
  readonly entry?: string
  /** More settings (environment variables) for this process. */
  readonly settings?: Readonly<Record<string, string>>
}

/** A process's host: the process running there now can be stopped, killed and started again. */
export interface Host<Name extends HostName> {
  readonly name: Name
  /** The network namespace, e.g. `en-w1`. */
  readonly namespace: string
  /** Its address on the bridge, e.g. 10.77.0.21. */
  readonly address: string
  /** The process's log (standard output and error, every process started on this host). */
  readonly logFile: string
  /** ENAMEL_WORKER_ID of the worker process started last (`w1-0`, then `w1-1` after a start); APIs: the name. */
  readonly id: () => string
  /** Whether the process started last is still running. */
  readonly running: () => boolean
  /** SIGTERM, and wait until the process has exited. */
  readonly stop: () => Effect.Effect<void>
  /** SIGKILL, and wait until the process has exited. */
  readonly kill: () => Effect.Effect<void>
  /** Starts a new process on the host (after stop or kill), and waits until it answers GET /healthcheck. */
  readonly start: (options?: StartOptions) => Effect.Effect<void>
}

export interface Deployment {
  /** HAProxy in front of the API hosts, e.g. `http://127.0.0.1:41234`. */
  readonly apiUrl: string
  /** A request through HAProxy (the same as `send(apiUrl, …)`). */
  readonly send: (method: string, path: string, options?: SendOptions) => Effect.Effect<Answer, NoAnswer>
  /** The AMQP namespace of this deployment's queues. */
  readonly amqpNamespace: string
  /** The test database, as the hosts reach it (postgres://…@10.77.0.2:5432/enamel_test_…). */
  readonly hostsDatabaseUrl: string
  readonly apis: readonly [Host<"api1">, Host<"api2">]
  readonly workers: readonly [Host<"w1">, Host<"w2">, Host<"w3">]
  /** Drops the host's traffic (both ways) to each target, until `heal`. */
  readonly cut: (host: HostName, ...targets: ReadonlyArray<CutTarget>) => Effect.Effect<void, HostsError>
  /** Removes every cut and loss of the host. */
  readonly heal: (host: HostName) => Effect.Effect<void, HostsError>
  /** Drops `percent` % of the host's packets to and from the service, at random (until `heal`). */
  readonly loss: (host: HostName, target: Service, percent: number) => Effect.Effect<void, HostsError>
  /** Holds every chunk between the worker hosts and PostgreSQL `ms` each way (0: no delay). */
  readonly delayWorkersToPostgres: (ms: number) => Effect.Effect<void, HostsError>
  /** The cloud requests the host made at or after `sinceMs` (ms since the epoch), in order. */
  readonly cloudRequests: (host: HostName, sinceMs: number) => Effect.Effect<ReadonlyArray<CloudRequest>>
  /** The API hosts as HAProxy sees them. */
  readonly backends: () => Effect.Effect<ReadonlyArray<Backend>>
  /** Waits until HAProxy sees the API host in this state (`UP` or `DOWN`). */
  readonly awaitBackend: (host: ApiHostName, status: "UP" | "DOWN") => Effect.Effect<Backend>
}

/** Bundles a run that was killed left behind (named after a process that is gone). */
const removeStaleBuilds = () => {
  const dir = "bench/results/build"
  if (!existsSync(dir)) return
  for (const file of readdirSync(dir)) {
    const pid = /^hosts-.*-(\d+)\.mjs$/.exec(file)?.[1]
    if (pid !== undefined && !existsSync(`/proc/${pid}`)) rmSync(`${dir}/${file}`, { force: true })
  }
}

/** A port nothing listens on now (the OS's pick). */
const freePort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Waits until the process has exited (at once if it already has). */
const exited = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

const isRunning = (child: ChildProcess | undefined) =>
  child !== undefined && child.exitCode === null && child.signalCode === null

/** GET url's status, 0 when nothing answers within 2 s. */
const statusOf = (url: string) =>
  Effect.promise(() =>
    fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0
    )
  )

/** HAProxy's CSV stats: the API hosts of backend `apis`. */
const readBackends = (statsPort: number) =>
  Effect.promise(async (): Promise<ReadonlyArray<Backend>> => {
    const text = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`).then((r) => r.text())
    const [header = "", ...rows] = text.split("\n")
    const columns = header.replace(/^# /, "").split(",")
    const column = (name: string) => columns.indexOf(name)
    return rows
      .map((row) => row.split(","))
      .filter((cells) => cells[column("pxname")] === "apis" && cells[column("svname")]?.startsWith("api"))
      .map((cells) => ({
        name: cells[column("svname")] ?? "",
        status: cells[column("status")] ?? "",
        sessions: Number(cells[column("stot")] ?? 0)
      }))
  })

/**
 * Builds the deployment on the test database (TestDatabase.layer) and a fresh AMQP namespace: hosts.sh
 * down then up, two APIs and three workers started, ready once HAProxy sees both APIs up and every worker
 * answers its health check. Everything goes when the scope closes: the processes (SIGKILL), then the
 * hosts (hosts.sh down: namespaces, links, bridge, rules, forwarders, HAProxy), then the AMQP topology.
 * `workerSettings` are added to every worker's environment.
 */
export const deployment = (options: { readonly workerSettings?: Readonly<Record<string, string>> } = {}) =>
  Effect.gen(function* () {
    const began = Date.now()
    const amqpNamespace = uniqueName("hosts")
    yield* Effect.addFinalizer(() =>
      removeTopology({ namespace: amqpNamespace, topics: ["server.create", "server.delete"], own: true })
    )
    const haproxyPort = yield* freePort
    const statsPort = yield* freePort
    yield* Effect.acquireRelease(
      Effect.zipRight(
        hostsSh(["down"]),
        hostsSh(["up"], {
          ENAMEL_HOSTS_HAPROXY_PORT: String(haproxyPort),
          ENAMEL_HOSTS_STATS_PORT: String(statsPort)
        })
      ),
      () => Effect.ignore(hostsSh(["down"]))
    ).pipe(Effect.orDie)

    const databaseUrl = new URL(yield* TestDatabase.TestDatabaseUrl)
    databaseUrl.hostname = `${net}.2`
    databaseUrl.port = "5432"
    const hostsDatabaseUrl = databaseUrl.toString()
    const common = {
      ...identityEnv("enamel"),
      ENAMEL_DATABASE_URL: hostsDatabaseUrl,
      // Heartbeats every 5 s: a cut connection to RabbitMQ is noticed in seconds, not minutes.
      ENAMEL_AMQP_URL: `amqp://guest:guest@${net}.3:5672?heartbeat=5`,
      ENAMEL_AMQP_NAMESPACE: amqpNamespace,
      ENAMEL_OUTBOX_SWEEP: "500 millis"
    }
    const logDir = resolve(".enamel/hosts")
    mkdirSync(logDir, { recursive: true })

    // Each entry compiled once into one JavaScript file (esbuild): five processes compiling TypeScript at
    // once under tsx took most of two CPUs for half a minute before the first could answer.
    const scope = yield* Effect.scope
    yield* Effect.sync(removeStaleBuilds)
    const compiled = (entry: string, name: string) =>
      Effect.tap(
        Effect.promise(() => bundle(entry, `hosts-${name}`)),
        (file) =>
          Scope.addFinalizer(
            scope,
            Effect.sync(() => rmSync(file, { force: true }))
          )
      )
    const [apiEntry, workerEntry] = yield* Effect.all(
      [compiled("packages/api/src/main.ts", "api"), compiled("packages/worker/src/main.ts", "worker")],
      { concurrency: "unbounded" }
    )

    const host = <Name extends HostName>(
      name: Name,
      entry: string,
      env: (generation: number) => Record<string, string>,
      healthUrl: string
    ) =>
      Effect.gen(function* () {
        const logFile = `${logDir}/${name}.log`
        writeFileSync(logFile, "")
        let child: ChildProcess | undefined
        let generation = -1
        let id: string = name
        const stopWith = (signal: NodeJS.Signals) =>
          Effect.suspend(() => {
            const current = child
            if (!isRunning(current) || current === undefined) return Effect.void
            current.kill(signal)
            return exited(current)
          })
        const start = (startOptions: StartOptions = {}) =>
          Effect.gen(function* () {
            if (isRunning(child)) return yield* Effect.dieMessage(`${name}: its process is still running`)
            generation++
            const settings = { ...env(generation), ...startOptions.settings }
            id = settings.ENAMEL_WORKER_ID ?? name
            const file =
              startOptions.entry === undefined
                ? entry
                : yield* compiled(startOptions.entry, `${name}-${generation}`)
            const log = openSync(logFile, "a")
            // `ip netns exec` execs the command: the child is the Node process itself, and signals reach it.
            const started = spawn("ip", ["netns", "exec", namespaceOf(name), process.execPath, file], {
              env: { ...process.env, ...common, ...settings },
              stdio: ["ignore", log, log]
            })
            closeSync(log)
            child = started
            yield* eventually(statusOf(healthUrl), (status) => status === 200 || !isRunning(started), {
              what: `${name} to answer ${healthUrl}`,
              timeout: "90 seconds",
              every: "250 millis"
            })
            if (!isRunning(started))
              return yield* Effect.dieMessage(`${name} exited at start (see ${logFile})`)
          })
        yield* Effect.addFinalizer(() => stopWith("SIGKILL"))
        const handle: Host<Name> = {
          name,
          namespace: namespaceOf(name),
          address: addressOf(name),
          logFile,
          id: () => id,
          running: () => isRunning(child),
          stop: () =>
            // SIGTERM gives running tasks ENAMEL_WORKER_GRACE (2 s here); a process still there after a minute is
            // killed, and the stop dies: a stop that hangs is a bug to see.
            stopWith("SIGTERM").pipe(
              Effect.timeoutFail({
                duration: Duration.minutes(1),
                onTimeout: () => `${name} did not exit within a minute of SIGTERM`
              }),
              Effect.catchAll((message) => Effect.zipRight(stopWith("SIGKILL"), Effect.dieMessage(message)))
            ),
          kill: () => stopWith("SIGKILL"),
          start
        }
        return handle
      })

    const api = <Name extends ApiHostName>(name: Name) =>
      host(
        name,
        apiEntry,
        () => ({ ENAMEL_API_HOST: "0.0.0.0", ENAMEL_API_PORT: String(apiPort), ENAMEL_ACCESS_LOG: "false" }),
        `http://${addressOf(name)}:${apiPort}/healthcheck`
      )
    const worker = <Name extends WorkerHostName>(name: Name) =>
      host(
        name,
        workerEntry,
        (generation) => ({
          ENAMEL_WORKER_ID: `${name}-${generation}`,
          ENAMEL_WORKER_TOPICS: "server.create=2,server.delete=2",
          ENAMEL_LEASE_TTL: "6 seconds",
          ENAMEL_WORKER_RETRY_DELAY: "500 millis",
          // SIGTERM (a rolling upgrade) hands running tasks back after 2 s, not 20: mid-flow, for the next
          // worker to resume, and within the phase's time.
          ENAMEL_WORKER_GRACE: "2 seconds",
          // A create resumed after a takeover waits for the request the first worker may have sent at most
          // this long (adoptOrCreate), not the default minute; under load the shared dev cloud has taken over 20 s
          // to answer a POST of a floating IP.
          ENAMEL_OPENSTACK_REQUEST_TIMEOUT: "30 seconds",
          ENAMEL_WORKER_ADMIN_HOST: "0.0.0.0",
          ENAMEL_WORKER_ADMIN_PORT: String(workerAdminPort),
          ...options.workerSettings
        }),
        `http://${addressOf(name)}:${workerAdminPort}/healthcheck`
      )

    const apis = [yield* api("api1"), yield* api("api2")] as const
    const workers = [yield* worker("w1"), yield* worker("w2"), yield* worker("w3")] as const
    yield* Effect.all(
      [...apis, ...workers].map((h) => h.start()),
      { concurrency: "unbounded" }
    )

    const backends = () => readBackends(statsPort)
    const awaitBackend = (name: ApiHostName, status: "UP" | "DOWN") =>
      eventually(
        Effect.map(backends(), (all) => all.find((b) => b.name === name)),
        (backend): backend is Backend => backend?.status === status,
        { what: `HAProxy to see ${name} ${status}`, timeout: "30 seconds", every: "100 millis" }
      )
    yield* awaitBackend("api1", "UP")
    yield* awaitBackend("api2", "UP")

    console.log(`hosts: the deployment was ready after ${((Date.now() - began) / 1000).toFixed(1)} s`)
    const apiUrl = `http://127.0.0.1:${haproxyPort}`
    const deployed: Deployment = {
      apiUrl,
      send: (method, path, sendOptions) => send(apiUrl, method, path, sendOptions),
      amqpNamespace,
      hostsDatabaseUrl,
      apis,
      workers,
      cut: (name, ...targets) => Effect.asVoid(hostsSh(["cut", name, ...targets])),
      heal: (name) => Effect.asVoid(hostsSh(["heal", name])),
      loss: (name, target, percent) => Effect.asVoid(hostsSh(["loss", name, target, String(percent)])),
      delayWorkersToPostgres: (ms) =>
        Effect.asVoid(hostsSh(["delay", "postgres", String(ms), ...workers.map((w) => w.name)])),
      cloudRequests: (name, sinceMs) =>
        Effect.sync(() =>
          readFileSync(`${stateDir}/${namespaceOf(name)}.requests.jsonl`, "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line): unknown => JSON.parse(line))
            .filter(isCloudRequest)
            .filter((request) => request.t >= sinceMs)
        ),
      backends,
      awaitBackend
    }
    return deployed
  })
