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
 * Then each run detaches what it attached, timed as a second comparison of each (issue 23's detach rows):
 * Enamel's `DELETE /servers/{id}/volumes/{volume_id}` or `DELETE /servers/{id}/interfaces/{port_id}` until
 * its task is seen SUCCEEDED; the floor's plumbing (bench/attachFloor.ts); openstacksdk's detach_volume +
 * delete_volume, or delete_floating_ip + delete_server_interface + wait_for_delete + delete_port.
 *
 * One untimed round comes first (warm code and caches), and every run starts once the server is ACTIVE
 * with no task under way. Whatever happens, the end sweeps everything named
 * `bench-attach-<tag>-…` and the floating IPs on it, and fails the part if anything is left.
 */
import {
  type AttachDetachTimes,
  type AttachIds,
  floorInterfaceAttach,
  floorVolumeAttach,
  resolveAttachIds
} from "./attachFloor.js"
import { type Login, login } from "./support/cloud.js"
import { type Comparison, compare, measureOf, type Split } from "./support/comparison.js"
import { deploy } from "./support/enamel.js"
import { ensurePythonModules, runPython } from "./support/python.js"
import { floatingIps, removeFloatingIp, removePort, removeVolume, settled } from "./support/resources.js"
import { alternateAfterWarmUp } from "./support/stats.js"
import { attempt, sweepNamed, sweptAfter } from "./support/sweep.js"
import { enamelServer, timedTask } from "./support/tasks.js"

export interface AttachResult {
  /** Timed rounds, after `warmUpRounds` untimed ones. */
  readonly rounds: number
  readonly warmUpRounds: number
  /** How often the floor polls, as Enamel's waits do. */
  readonly pollMs: number
  readonly volume: Comparison
  readonly interface: Comparison
  /** The detach of the volume, or of the port and its floating IP, just attached. */
  readonly volumeDetach: Comparison
  readonly interfaceDetach: Comparison
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
  /** Where each Enamel run's time went (`timeSplit`), attaching and detaching. */
  readonly splits: Record<What | `${What}Detach`, Array<Split>>
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
 * then the DELETE that undoes it until its task is; where each one's time went is kept in `splits`.
 */
const enamelAttach = async (run: Run, what: What): Promise<AttachDetachTimes> => {
  const { alice, apiUrl, serverId } = run
  const { task, seconds, split } =
    what === "volume"
      ? await timedTask<Made>(apiUrl, alice, "POST", `/servers/${serverId}/volumes`, { size_gb: 1 })
      : await timedTask<Made>(apiUrl, alice, "POST", `/servers/${serverId}/interfaces`, {
          network: "private",
          floating_ip: { network: "public" }
        })
  run.splits[what].push(split)
  const made = task.result
  if (made.floating_ip !== undefined) run.floatingIpIds.add(made.floating_ip.id)
  const undo =
    what === "volume"
      ? `/servers/${serverId}/volumes/${made.volume_id}`
      : `/servers/${serverId}/interfaces/${made.port_id}`
  const detached = await timedTask(apiUrl, alice, "DELETE", undo)
  run.splits[`${what}Detach`].push(detached.split)
  return { attach: seconds, detach: detached.seconds }
}

/** openstacksdk's detach of what its attach made (`sdk_attach.py detach-…`); the plumbing's when that fails. */
const sdkDetach = async (undo: () => Promise<unknown>, args: ReadonlyArray<string>) => {
  try {
    return runPython<{ seconds: number }>("sdk_attach.py", args).seconds
  } catch (error) {
    await undo()
    throw error
  }
}

const sdkVolume = async ({ alice, serverId, prefix }: Run, r: number): Promise<AttachDetachTimes> => {
  const out = runPython<{ seconds: number; volume_id: string }>("sdk_attach.py", [
    "volume",
    serverId,
    `${prefix}sdk-volume${r}`
  ])
  const detach = await sdkDetach(
    () => removeVolume(alice, out.volume_id),
    ["detach-volume", serverId, out.volume_id]
  )
  return { attach: out.seconds, detach }
}

const sdkInterface = async (
  { alice, serverId, prefix, floatingIpIds }: Run,
  r: number
): Promise<AttachDetachTimes> => {
  const out = runPython<{ seconds: number; port_id: string; floating_ip_id: string }>("sdk_attach.py", [
    "interface",
    serverId,
    `${prefix}sdk-port${r}`
  ])
  floatingIpIds.add(out.floating_ip_id)
  const detach = await sdkDetach(
    () => removePort(alice, out.port_id),
    ["detach-interface", serverId, out.port_id, out.floating_ip_id]
  )
  return { attach: out.seconds, detach }
}

/** The shared sweep (`sweepNamed`), then the floating IPs the runs reported or that carry the prefix. */
const sweep = async (
  alice: Login,
  apiUrl: string,
  prefix: string,
  serverId: string | undefined,
  ips: Set<string>
) => {
  const left = await sweepNamed("attach", alice, apiUrl, prefix, serverId, ips)
  const ours = (ip: { id: string; description: string }) =>
    ips.has(ip.id) || ip.description.startsWith(prefix)
  for (const ip of (await floatingIps(alice)).filter(ours))
    await attempt("attach", `floating IP ${ip.id}`, () => removeFloatingIp(alice, ip.id))
  return { ...left, floatingIps: (await floatingIps(alice)).filter(ours).map((ip) => ip.id) }
}

export const attachBench = async (rounds: number): Promise<AttachResult> => {
  ensurePythonModules(["openstack"])
  const alice = await login("alice")
  const ids = await resolveAttachIds(alice)
  const enamel = await deploy({ accessLog: true, workerTopics: TOPICS.map((t) => `${t}=2`).join(",") })
  const prefix = `bench-attach-${Date.now().toString(36)}-`
  const floatingIpIds = new Set<string>()
  let serverId: string | undefined
  const work = async (): Promise<AttachResult> => {
    serverId = await enamelServer(enamel.apiUrl, alice, `${prefix}server`)
    const splits: Run["splits"] = { volume: [], interface: [], volumeDetach: [], interfaceDetach: [] }
    const run: Run = { alice, apiUrl: enamel.apiUrl, serverId, ids, prefix, floatingIpIds, splits }
    // The server ACTIVE with no task under way before every run; one untimed round first.
    const all = await alternateAfterWarmUp(rounds, WARM_UP_ROUNDS, () => settled(alice, run.serverId), {
      volumeEnamel: () => enamelAttach(run, "volume"),
      volumeFloor: (r) => floorVolumeAttach(alice, run.serverId, `${prefix}floor-volume${r}`),
      volumeOpenstacksdk: (r) => sdkVolume(run, r),
      interfaceEnamel: () => enamelAttach(run, "interface"),
      interfaceFloor: (r) => floorInterfaceAttach(alice, ids, run.serverId, `${prefix}floor-port${r}`),
      interfaceOpenstacksdk: (r) => sdkInterface(run, r)
    })
    const timed = <A>(xs: ReadonlyArray<A>) => xs.slice(WARM_UP_ROUNDS)
    const volumes = { enamel: all.volumeEnamel, floor: all.volumeFloor, openstacksdk: all.volumeOpenstacksdk }
    const interfaces = {
      enamel: all.interfaceEnamel,
      floor: all.interfaceFloor,
      openstacksdk: all.interfaceOpenstacksdk
    }
    const attached = (t: AttachDetachTimes) => t.attach
    const detached = (t: AttachDetachTimes) => t.detach
    return {
      rounds,
      warmUpRounds: WARM_UP_ROUNDS,
      pollMs: 200,
      volume: compare(measureOf(volumes, attached), timed(splits.volume)),
      interface: compare(measureOf(interfaces, attached), timed(splits.interface)),
      volumeDetach: compare(measureOf(volumes, detached), timed(splits.volumeDetach)),
      interfaceDetach: compare(measureOf(interfaces, detached), timed(splits.interfaceDetach))
    }
  }
  try {
    return await sweptAfter("attach", work, () =>
      sweep(alice, enamel.apiUrl, prefix, serverId, floatingIpIds)
    )
  } finally {
    await enamel.close()
  }
}
