/**
 * Attach (issue 17): on one server made for the part (through Enamel, as bench/endToEnd.ts makes one, and
 * deleted at the end), as alice, `rounds` rounds of six runs in turn:
 *
 * - a new 1 GB volume: Enamel's `POST /servers/{id}/volumes {"size_gb": 1}` (the API and a worker
 *   process; the time from the POST until the task is seen SUCCEEDED, polled every 50 ms), the floor
 *   (bench/attachFloor.ts), and openstacksdk's create_volume + attach_volume (bench/python/sdk_attach.py);
 * - a new port on `private` with a floating IP from `public`: Enamel's `POST /servers/{id}/interfaces`,
 *   the floor, and openstacksdk's create_port + create_server_interface + create_floating_ip.
 *
 * One untimed round comes first (warm code and caches). Each run's volume or port is removed after its
 * clock stops (Enamel's through its DELETE, the others' with the plumbing), and every run starts once the
 * server is ACTIVE with no task under way. Whatever happens, the end sweeps everything named
 * `bench-attach-<tag>-…` and the floating IPs on it, and fails the part if anything is left.
 */
import {
  type AttachIds,
  floatingIps,
  floorInterfaceAttach,
  floorVolumeAttach,
  named,
  removeFloatingIp,
  removePort,
  removeServer,
  removeVolume,
  resolveAttachIds,
  settled
} from "./attachFloor.js"
import { type Login, login } from "./support/cloud.js"
import { deploy } from "./support/enamel.js"
import { ensurePythonModules, runPython } from "./support/python.js"
import { alternate, median, quantile, round } from "./support/stats.js"
import { succeeded, timeSplit } from "./support/tasks.js"

export type AttachSide = "enamel" | "floor" | "openstacksdk"

export interface AttachComparison {
  readonly seconds: Readonly<Record<AttachSide, ReadonlyArray<number>>>
  readonly medians: Readonly<Record<AttachSide, number>>
  readonly p90s: Readonly<Record<AttachSide, number>>
  /** Where Enamel's time went: the median of each part over its runs, ms (`timeSplit`). */
  readonly enamelSplitMs: ReadonlyArray<readonly [string, number]>
}

export interface AttachResult {
  /** Timed rounds, after `warmUpRounds` untimed ones. */
  readonly rounds: number
  readonly warmUpRounds: number
  /** How often the floor polls, as Enamel's waits do. */
  readonly pollMs: number
  readonly volume: AttachComparison
  readonly interface: AttachComparison
}

const WARM_UP_ROUNDS = 1

const TOPICS = [
  "server.create",
  "server.delete",
  "server.volume.attach",
  "server.volume.detach",
  "server.interface.attach",
  "server.interface.detach"
]

interface Run {
  readonly alice: Login
  readonly apiUrl: string
  readonly serverId: string
  readonly ids: AttachIds
  readonly prefix: string
  /** Every floating IP a run reported making, for the final check. */
  readonly floatingIpIds: Set<string>
  /** Where each Enamel run's time went (`timeSplit`). */
  readonly splits: Record<What, Array<ReadonlyArray<readonly [string, number]>>>
}

/** What `server.volume.attach` and `server.interface.attach` give back, as far as the part reads it. */
interface Made {
  readonly volume_id?: string
  readonly port_id?: string
  readonly floating_ip?: { readonly id: string }
}

type What = "volume" | "interface"

/**
 * One Enamel run: the POST until its task is seen SUCCEEDED (polled every 50 ms, as bench/endToEnd.ts),
 * where that time went (kept in `splits`), then the DELETE that undoes it, untimed.
 */
const enamelAttach = async (run: Run, what: What) => {
  const { alice, apiUrl, serverId } = run
  const postedAt = Date.now()
  const started = performance.now()
  const task =
    what === "volume"
      ? await succeeded<Made>(apiUrl, alice, 50, "POST", `/servers/${serverId}/volumes`, { size_gb: 1 })
      : await succeeded<Made>(apiUrl, alice, 50, "POST", `/servers/${serverId}/interfaces`, {
          network: "private",
          floating_ip: { network: "public" }
        })
  const took = (performance.now() - started) / 1000
  run.splits[what].push(timeSplit(task, postedAt, Date.now()))
  const made = task.result
  if (made.floating_ip !== undefined) run.floatingIpIds.add(made.floating_ip.id)
  const undo =
    what === "volume"
      ? `/servers/${serverId}/volumes/${made.volume_id}`
      : `/servers/${serverId}/interfaces/${made.port_id}`
  await succeeded(apiUrl, alice, 200, "DELETE", undo)
  return took
}

const sdkVolume = async ({ alice, serverId, prefix }: Run, r: number) => {
  const out = runPython<{ seconds: number; volume_id: string }>("sdk_attach.py", [
    "volume",
    serverId,
    `${prefix}sdk-volume${r}`
  ])
  await removeVolume(alice, out.volume_id)
  return out.seconds
}

const sdkInterface = async ({ alice, serverId, prefix, floatingIpIds }: Run, r: number) => {
  const out = runPython<{ seconds: number; port_id: string; floating_ip_id: string }>("sdk_attach.py", [
    "interface",
    serverId,
    `${prefix}sdk-port${r}`
  ])
  floatingIpIds.add(out.floating_ip_id)
  await removePort(alice, out.port_id)
  return out.seconds
}

/** The median of each part of Enamel's runs' time, in the order of the first run. */
const medianSplit = (runs: ReadonlyArray<ReadonlyArray<readonly [string, number]>>) =>
  (runs[0] ?? []).map(
    ([part]) =>
      [part, Math.round(median(runs.map((r) => r.find(([p]) => p === part)?.[1] ?? Number.NaN)))] as const
  )

const compare = (
  s: Record<AttachSide, ReadonlyArray<number>>,
  splits: ReadonlyArray<ReadonlyArray<readonly [string, number]>>
): AttachComparison => ({
  seconds: s,
  enamelSplitMs: medianSplit(splits),
  medians: {
    enamel: round(median(s.enamel)),
    floor: round(median(s.floor)),
    openstacksdk: round(median(s.openstacksdk))
  },
  p90s: {
    enamel: round(quantile(s.enamel, 0.9)),
    floor: round(quantile(s.floor, 0.9)),
    openstacksdk: round(quantile(s.openstacksdk, 0.9))
  }
})

/** Logs a failed step of the sweep and goes on: the sweep must try everything. */
const attempt = async (what: string, step: () => Promise<unknown>) => {
  await step().catch((error: unknown) => console.error(`attach bench clean-up: ${what}: ${String(error)}`))
}

/**
 * Removes what the part made, whatever state a failure left it in: the server (through Enamel, which also
 * releases what its tasks made; through Nova if that fails), then every port (with its floating IPs) and
 * volume named with the prefix, and the floating IPs the runs reported. Returns what is still there.
 */
const sweep = async (
  alice: Login,
  apiUrl: string,
  prefix: string,
  serverId: string | undefined,
  ips: Set<string>
) => {
  if (serverId !== undefined) {
    const id = serverId
    await attempt(`DELETE /servers/${id}`, () => succeeded(apiUrl, alice, 200, "DELETE", `/servers/${id}`))
  }
  const before = await named(alice, prefix)
  for (const id of before.servers) await attempt(`server ${id}`, () => removeServer(alice, id))
  for (const id of before.ports)
    await attempt(`port ${id}`, async () => {
      for (const ip of await removePort(alice, id)) ips.add(ip)
    })
  for (const id of before.volumes) await attempt(`volume ${id}`, () => removeVolume(alice, id))
  const ours = (ip: { id: string; description: string }) =>
    ips.has(ip.id) || ip.description.startsWith(prefix)
  for (const ip of (await floatingIps(alice)).filter(ours))
    await attempt(`floating IP ${ip.id}`, () => removeFloatingIp(alice, ip.id))
  const left = await named(alice, prefix)
  return { ...left, floatingIps: (await floatingIps(alice)).filter(ours).map((ip) => ip.id) }
}

type Left = Awaited<ReturnType<typeof sweep>>

const leftCount = (left: Left) =>
  left.servers.length + left.volumes.length + left.ports.length + left.floatingIps.length

const leftover = (left: Left) => `the attach part left something in alice's project: ${JSON.stringify(left)}`

export const attachBench = async (rounds: number): Promise<AttachResult> => {
  ensurePythonModules(["openstack"])
  const alice = await login("alice")
  const ids = await resolveAttachIds(alice)
  const enamel = await deploy({ accessLog: true, workerTopics: TOPICS.map((t) => `${t}=2`).join(",") })
  const prefix = `bench-attach-${Date.now().toString(36)}-`
  const floatingIpIds = new Set<string>()
  let serverId: string | undefined
  try {
    let result: AttachResult | undefined
    let failure: unknown
    try {
      // Untimed: the server, which also makes alice's key (application credential) once, as any first
      // request does.
      const created = await succeeded<{ servers: ReadonlyArray<{ id: string }> }>(
        enamel.apiUrl,
        alice,
        200,
        "POST",
        "/servers",
        {
          name: `${prefix}server`,
          image: "tiny",
          flavor: "m1.tiny",
          boot_volume: { size_gb: 1 },
          networks: [{ network: "private" }]
        }
      )
      serverId = created.result.servers[0]?.id
      if (serverId === undefined) throw new Error("Enamel made no server")
      const splits: Run["splits"] = { volume: [], interface: [] }
      const run: Run = { alice, apiUrl: enamel.apiUrl, serverId, ids, prefix, floatingIpIds, splits }
      const timed = (side: (run: Run, r: number) => Promise<number>) => async (r: number) => {
        await settled(alice, run.serverId)
        return side(run, r)
      }
      // One more round than asked: the first is untimed, so that every side's code and the cloud's
      // caches are warm (the worker runs all the time in use).
      const all = await alternate(rounds + WARM_UP_ROUNDS, {
        volumeEnamel: timed((x) => enamelAttach(x, "volume")),
        volumeFloor: timed((x, r) => floorVolumeAttach(x.alice, x.serverId, `${x.prefix}floor-volume${r}`)),
        volumeOpenstacksdk: timed(sdkVolume),
        interfaceEnamel: timed((x) => enamelAttach(x, "interface")),
        interfaceFloor: timed((x, r) =>
          floorInterfaceAttach(x.alice, x.ids, x.serverId, `${x.prefix}floor-port${r}`)
        ),
        interfaceOpenstacksdk: timed(sdkInterface)
      })
      const t = <A>(xs: ReadonlyArray<A>) => xs.slice(WARM_UP_ROUNDS)
      result = {
        rounds,
        warmUpRounds: WARM_UP_ROUNDS,
        pollMs: 200,
        volume: compare(
          { enamel: t(all.volumeEnamel), floor: t(all.volumeFloor), openstacksdk: t(all.volumeOpenstacksdk) },
          t(splits.volume)
        ),
        interface: compare(
          {
            enamel: t(all.interfaceEnamel),
            floor: t(all.interfaceFloor),
            openstacksdk: t(all.interfaceOpenstacksdk)
          },
          t(splits.interface)
        )
      }
    } catch (error) {
      failure = error
    }
    if (result === undefined) {
      // The failure is what propagates; the sweep's own trouble and the leftovers are said here.
      const left = await sweep(alice, enamel.apiUrl, prefix, serverId, floatingIpIds).catch(
        (error: unknown) => console.error(`attach bench clean-up: ${String(error)}`)
      )
      if (left !== undefined && leftCount(left) > 0) console.error(leftover(left))
      throw failure
    }
    const left = await sweep(alice, enamel.apiUrl, prefix, serverId, floatingIpIds)
    if (leftCount(left) > 0) throw new Error(leftover(left))
    return result
  } finally {
    await enamel.close()
  }
}
