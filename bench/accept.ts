/**
 * Accepting: POST /servers → 202 against the API as its own (compiled) process: real Keystone token
 * validation (cached), alice's key made once and then cached, the task + outbox statement, confirmed
 * publishing by the relay. Under autocannon at several concurrencies, alternating with Nova's own
 * POST /servers on the dev cloud (a bounded number of requests, every server deleted afterwards), and
 * with the floor: the same body to a bare Node server that only inserts a row and publishes it
 * confirmed (bench/acceptFloorServer.ts), and the framework alone: Effect's HttpApi decoding the same
 * body and answering at once (bench/acceptHttpApiServer.ts), at the same concurrencies.
 */
import autocannon from "autocannon"
import { startAcceptFloor, startHttpApiOnly } from "./acceptFloor.js"
import { novaAcceptRound } from "./novaAccept.js"
import { login } from "./support/cloud.js"
import { deploy } from "./support/enamel.js"
import { sampleProcess } from "./support/stats.js"

export interface AcceptRow {
  readonly connections: number
  readonly requests: number
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  readonly errors: number
  /** Of one core, over the run. */
  readonly apiCpuPercent?: number
  readonly apiRssMiB?: number
}

export interface AcceptResult {
  readonly seconds: number
  readonly enamel: ReadonlyArray<AcceptRow>
  readonly enamelAccessLog: ReadonlyArray<AcceptRow>
  /** The bare floor: Node's HTTP server, one INSERT and one confirmed publish per request. */
  readonly floor: ReadonlyArray<AcceptRow>
  /** Effect's HttpApi alone: Enamel's request schema, a 202 at once, nothing else. */
  readonly httpApiOnly: ReadonlyArray<AcceptRow>
  readonly nova: ReadonlyArray<AcceptRow>
  /** BENCH_ACCEPT_BASELINE: another build of the API (e.g. main's), access log off, in turn with Enamel. */
  readonly baseline?: ReadonlyArray<AcceptRow>
}

export const rowOf = (
  connections: number,
  result: autocannon.Result
): Omit<AcceptRow, "apiCpuPercent" | "apiRssMiB"> => ({
  connections,
  requests: result.requests.total,
  requestsPerSecond: Math.round(result.requests.total / (result.duration || 1)),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts
})

const serversBody = JSON.stringify({
  name: "bench",
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 1 },
  networks: [{ network: "private", floating_ip: { network: "public" } }]
})

/** One server (an Enamel API, or one of the floors) under `connections` for `seconds`. */
const acceptRound =
  (url: string, pid: number, token: string) => async (connections: number, seconds: number) => {
    const request = {
      url: `${url}/servers`,
      method: "POST" as const,
      headers: { "x-auth-token": token, "content-type": "application/json" },
      body: serversBody
    }
    const before = sampleProcess(pid)
    const result = await autocannon({ ...request, connections, duration: seconds })
    const after = sampleProcess(pid)
    return {
      ...rowOf(connections, result),
      apiCpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / result.duration) * 100),
      apiRssMiB: Math.round(after.rssMiB)
    }
  }

const warmUp = (apiUrl: string, token: string) =>
  autocannon({
    url: `${apiUrl}/servers`,
    method: "POST",
    headers: { "x-auth-token": token, "content-type": "application/json" },
    body: serversBody,
    connections: 4,
    amount: 500
  })

/**
 * For each level: Enamel without access log, the floor, the framework alone, Enamel with its access log
 * (the default), then Nova, in turn.
 * Nova gets `novaRequests` requests at its own (smaller) concurrency per level.
 */
export const acceptBench = async (options: {
  readonly connections: ReadonlyArray<number>
  readonly novaConnections: ReadonlyArray<number>
  readonly novaRequests: number
  readonly seconds: number
}): Promise<AcceptResult> => {
  const alice = await login("alice")
  const quiet = await deploy({ accessLog: false })
  const logging = await deploy({ accessLog: true })
  // A prebuilt API script (BENCH_ACCEPT_BASELINE) to compare this build with, in the same run.
  const baselineScript = process.env.BENCH_ACCEPT_BASELINE
  const before =
    baselineScript === undefined ? undefined : await deploy({ accessLog: false, apiScript: baselineScript })
  const floorServer = await startAcceptFloor(quiet)
  const httpApiServer = await startHttpApiOnly()
  const enamel: Array<AcceptRow> = []
  const floor: Array<AcceptRow> = []
  const httpApiOnly: Array<AcceptRow> = []
  const enamelAccessLog: Array<AcceptRow> = []
  const nova: Array<AcceptRow> = []
  const baseline: Array<AcceptRow> = []
  try {
    await warmUp(quiet.apiUrl, alice.token)
    await warmUp(logging.apiUrl, alice.token)
    await warmUp(floorServer.url, alice.token)
    await warmUp(httpApiServer.url, alice.token)
    if (before !== undefined) await warmUp(before.apiUrl, alice.token)
    const runQuiet = acceptRound(quiet.apiUrl, quiet.api?.pid ?? 0, alice.token)
    const runFloor = acceptRound(floorServer.url, floorServer.pid, alice.token)
    const runHttpApi = acceptRound(httpApiServer.url, httpApiServer.pid, alice.token)
    const runLogging = acceptRound(logging.apiUrl, logging.api?.pid ?? 0, alice.token)
    const runBaseline =
      before === undefined ? undefined : acceptRound(before.apiUrl, before.api?.pid ?? 0, alice.token)
    for (const [level, connections] of options.connections.entries()) {
      enamel.push(await runQuiet(connections, options.seconds))
      if (runBaseline !== undefined) baseline.push(await runBaseline(connections, options.seconds))
      floor.push(await runFloor(connections, options.seconds))
      httpApiOnly.push(await runHttpApi(connections, options.seconds))
      enamelAccessLog.push(await runLogging(connections, options.seconds))
      const novaConnections = options.novaConnections[level]
      if (novaConnections !== undefined)
        nova.push(await novaAcceptRound(alice, novaConnections, options.novaRequests))
      console.error(`  accept level ${connections} done`)
    }
    return {
      seconds: options.seconds,
      enamel,
      enamelAccessLog,
      floor,
      httpApiOnly,
      nova,
      ...(before === undefined ? {} : { baseline })
    }
  } finally {
    await floorServer.close()
    await httpApiServer.close()
    await quiet.close()
    await logging.close()
    await before?.close()
  }
}
