/**
 * End to end: one server with a boot volume, a port and a floating IP, as alice, `rounds` times for each
 * side in turn: Enamel (POST /servers to the API, a worker process running the flow; the time from the
 * POST until the task is seen SUCCEEDED, polled every 50 ms), the floor (bench/floor.ts), openstacksdk's
 * create_server(boot_from_volume=True, auto_ip=True, wait=True), and a Heat stack. Every side deletes
 * what it made after its clock stops (Enamel through DELETE /servers/{id}).
 */

import { floorCreate, resolveIds } from "./floor.js"
import type { Baseline } from "./support/baseline.js"
import { call, type Login, login } from "./support/cloud.js"
import { deploy } from "./support/enamel.js"
import { ensurePythonModules, runPython } from "./support/python.js"
import { alternate, median, round } from "./support/stats.js"
import { enamelCall, finished } from "./support/tasks.js"

interface Created {
  readonly servers?: ReadonlyArray<{ readonly id: string }>
}

/** Creates one server through Enamel and returns the seconds until its task SUCCEEDED; then deletes it. */
const enamelCreate = async (apiUrl: string, who: Login, name: string) => {
  const started = performance.now()
  const { task } = await enamelCall<Created>(apiUrl, who, "POST", "/servers", {
    name,
    image: "tiny",
    flavor: "m1.tiny",
    boot_volume: { size_gb: 1 },
    networks: [{ network: "private", floating_ip: { network: "public" } }]
  })
  const done = await finished<Created>(apiUrl, who, task.id, 50)
  const seconds = (performance.now() - started) / 1000
  const serverId = done.result?.servers?.[0]?.id
  if (done.state !== "SUCCEEDED" || serverId === undefined)
    throw new Error(`Enamel's task ${task.id} ended ${done.state}: ${JSON.stringify(done.error)}`)
  const deletion = await enamelCall(apiUrl, who, "DELETE", `/servers/${serverId}`)
  const deleted = await finished(apiUrl, who, deletion.task.id, 200)
  if (deleted.state !== "SUCCEEDED") throw new Error(`deleting ${serverId}: ${JSON.stringify(deleted.error)}`)
  return seconds
}

export interface EndToEndResult {
  readonly rounds: number
  readonly seconds: Readonly<Record<"enamel" | "floor" | "openstacksdk" | "heat", ReadonlyArray<number>>>
  readonly medians: Readonly<Record<"enamel" | "floor" | "openstacksdk" | "heat", number>>
  /** With BENCH_BASELINE: that revision's API and worker as a fifth side, in the same rounds. */
  readonly baseline?: {
    readonly commit: string
    readonly seconds: ReadonlyArray<number>
    readonly median: number
  }
}

interface Named {
  readonly id: string
  readonly name: string
}

/**
 * What this run's sides left in alice's project. Other work may use alice's project meanwhile (tests,
 * other benchmarks), so only this run's own count: servers and volumes named `bench-e2e-<tag>-…`, and
 * floating IPs (they carry no name) that were not there before and are on no port or on one of this run's.
 */
const leftBehind = async (who: Login, tag: string, floatingIpsBefore: ReadonlySet<string>) => {
  const ours = (name: string) => name.startsWith(`bench-e2e-${tag}-`)
  const [servers, volumes, ports, floatingIps] = await Promise.all([
    call<{ servers: ReadonlyArray<Named> }>(who, "compute", "GET", "/servers"),
    call<{ volumes: ReadonlyArray<{ readonly name: string | null }> }>(who, "volumev3", "GET", "/volumes"),
    call<{ ports: ReadonlyArray<Named> }>(who, "network", "GET", "/v2.0/ports"),
    floatingIpIds(who)
  ])
  const ourPorts = new Set(ports.ports.filter((p) => ours(p.name)).map((p) => p.id))
  return {
    servers: servers.servers.filter((s) => ours(s.name)).map((s) => s.name),
    volumes: volumes.volumes.flatMap((v) => (v.name !== null && ours(v.name) ? [v.name] : [])),
    floatingIps: floatingIps
      .filter((ip) => !floatingIpsBefore.has(ip.id) && (ip.port_id === null || ourPorts.has(ip.port_id)))
      .map((ip) => ip.id)
  }
}

const floatingIpIds = async (who: Login) =>
  (
    await call<{ floatingips: ReadonlyArray<{ id: string; port_id: string | null }> }>(
      who,
      "network",
      "GET",
      "/v2.0/floatingips"
    )
  ).floatingips

export const endToEndBench = async (rounds: number, baseline?: Baseline): Promise<EndToEndResult> => {
  ensurePythonModules(["openstack"])
  const alice = await login("alice")
  const ids = await resolveIds(alice)
  const enamel = await deploy({ accessLog: true, workerTopics: "server.create=4,server.delete=2" })
  const before =
    baseline === undefined
      ? undefined
      : await deploy({
          accessLog: true,
          workerTopics: "server.create=4,server.delete=2",
          root: baseline.root
        })
  const tag = Date.now().toString(36)
  const floatingIpsBefore = new Set((await floatingIpIds(alice)).map((ip) => ip.id))
  try {
    // Untimed: makes alice's key (application credential) once, as any first request does.
    await enamelCreate(enamel.apiUrl, alice, `bench-e2e-${tag}-warm`)
    if (before !== undefined) await enamelCreate(before.apiUrl, alice, `bench-e2e-${tag}-warmbefore`)
    const { before: beforeSeconds, ...seconds } = await alternate(rounds, {
      before: (r) =>
        before === undefined
          ? Promise.resolve(Number.NaN)
          : enamelCreate(before.apiUrl, alice, `bench-e2e-${tag}-before${r}`),
      enamel: (r) => enamelCreate(enamel.apiUrl, alice, `bench-e2e-${tag}-enamel${r}`),
      floor: (r) => floorCreate(alice, ids, `bench-e2e-${tag}-floor${r}`),
      openstacksdk: (r) =>
        Promise.resolve(
          runPython<{ seconds: number }>("sdk_create.py", [`bench-e2e-${tag}-sdk${r}`]).seconds
        ),
      heat: (r) =>
        Promise.resolve(
          runPython<{ seconds: number }>("heat_stack.py", [`bench-e2e-${tag}-heat${r}`]).seconds
        )
    })
    const medians = {
      enamel: round(median(seconds.enamel)),
      floor: round(median(seconds.floor)),
      openstacksdk: round(median(seconds.openstacksdk)),
      heat: round(median(seconds.heat))
    }
    // Every side cleans up after itself; one that does not fails the benchmark rather than leaking.
    const left = await leftBehind(alice, tag, floatingIpsBefore)
    if (left.servers.length + left.volumes.length + left.floatingIps.length > 0)
      throw new Error(
        `the end-to-end sides left something in alice's project: ${JSON.stringify({ left, seconds })}`
      )
    return {
      rounds,
      seconds,
      medians,
      ...(baseline === undefined
        ? {}
        : {
            baseline: {
              commit: baseline.commit,
              seconds: beforeSeconds,
              median: round(median(beforeSeconds))
            }
          })
    }
  } finally {
    await enamel.close()
    await before?.close()
  }
}
