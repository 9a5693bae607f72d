/**
 * Accepting: POST /servers → 202 against the API running as its own process (real Keystone validation,
 * cached; the user's key made once, then cached; the task + outbox statement; confirmed publishing by the
 * relay), under autocannon at several concurrencies. Reports requests/s, p50/p99, errors, and the API
 * process's CPU and RSS read from /proc.
 */
import { execFileSync, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import autocannon from "autocannon"

export interface AcceptRow {
  readonly connections: number
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  readonly errors: number
  readonly apiCpuPercent: number
  readonly apiRssMiB: number
}

const env = (identity: string): Record<string, string> =>
  Object.fromEntries(
    execFileSync("devcloud/devcloud", ["env", identity], { encoding: "utf8" })
      .split("\n")
      .flatMap((line) => {
        const m = /^export ([A-Z_]+)=(.*)$/.exec(line)
        return m?.[1] === undefined || m[2] === undefined ? [] : [[m[1], m[2]] as const]
      })
  )

const psql = (sql: string, database = "postgres") =>
  execFileSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql], {
    encoding: "utf8",
    env: { ...process.env, PGPASSWORD: process.env.PGPASSWORD ?? "postgres" }
  }).trim()

/** user+system CPU seconds and RSS of a process, from /proc. */
const sample = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
  const ticks = Number(stat[11]) + Number(stat[12])
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0)
  return { cpuSeconds: ticks / 100, rssMiB: rssKiB / 1024 }
}

const token = async (identity: Record<string, string>) => {
  const response = await fetch(`${identity.OS_AUTH_URL}/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: { name: identity.OS_USERNAME, domain: { name: "Default" }, password: identity.OS_PASSWORD }
          }
        },
        scope: { project: { name: identity.OS_PROJECT_NAME, domain: { name: "Default" } } }
      }
    })
  })
  const subject = response.headers.get("x-subject-token")
  if (subject === null) throw new Error(`Keystone refused ${identity.OS_USERNAME}: ${response.status}`)
  return subject
}

const waitForPort = async (port: number) => {
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false
    )
    if (up) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error("the API did not start")
}

export const acceptBench = async (connectionsList: ReadonlyArray<number>, seconds: number) => {
  const database = `enamel_bench_${Date.now().toString(36)}`
  const namespace = `bench-${Date.now().toString(36)}`
  const port = 18_000 + Math.floor(Math.random() * 1000)
  psql(`CREATE DATABASE ${database}`)
  const api = spawn(process.execPath, ["--import", "tsx", "packages/api/src/main.ts"], {
    env: {
      ...process.env,
      ...env("enamel"),
      ENAMEL_DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:5432/${database}`,
      ENAMEL_AMQP_NAMESPACE: namespace,
      ENAMEL_API_PORT: String(port)
    },
    stdio: ["ignore", "ignore", "inherit"]
  })
  const rows: Array<AcceptRow> = []
  try {
    await waitForPort(port)
    const alice = await token(env("alice"))
    const request = {
      url: `http://127.0.0.1:${port}/servers`,
      method: "POST" as const,
      headers: { "x-auth-token": alice, "content-type": "application/json" },
      body: JSON.stringify({
        name: "bench",
        image: "tiny",
        flavor: "m1.tiny",
        boot_volume: { size_gb: 1 },
        networks: [{ network: "private", floating_ip: { network: "public" } }]
      })
    }
    // Warm up: validates the token and makes alice's key once (both cached afterwards).
    await autocannon({ ...request, connections: 4, amount: 200 })
    for (const connections of connectionsList) {
      const before = sample(api.pid ?? 0)
      const result = await autocannon({ ...request, connections, duration: seconds })
      const after = sample(api.pid ?? 0)
      rows.push({
        connections,
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        apiCpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / seconds) * 100),
        apiRssMiB: Math.round(after.rssMiB)
      })
    }
    return rows
  } finally {
    api.kill("SIGTERM")
    await new Promise((r) => setTimeout(r, 1000))
    // What the run made: alice's key (application credential + Barbican secret), queued messages, the database.
    const key = psql("SELECT credential_id || ' ' || secret_ref FROM user_keys", database).split(" ")
    if (key[0] !== undefined && key[0] !== "") {
      execFileSync("openstack", ["--os-cloud", "alice", "application", "credential", "delete", key[0]], {
        env: { ...process.env, OS_CLIENT_CONFIG_FILE: "/var/lib/enamel-devcloud/clouds.yaml" },
        stdio: "ignore"
      })
      const enamel = await token(env("enamel"))
      await fetch(key[1] ?? "", { method: "DELETE", headers: { "x-auth-token": enamel } })
    }
    execFileSync("rabbitmqctl", ["-q", "delete_queue", `${namespace}.task.server.create`], {
      stdio: "ignore"
    })
    psql(`DROP DATABASE ${database} WITH (FORCE)`)
  }
}
