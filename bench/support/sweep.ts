/**
 * A part that makes things in the cloud runs its work and then its sweep, whatever happened, and fails if
 * the sweep left anything.
 */
import type { Login } from "./cloud.js"
import { named, removeImage, removePort, removeServer, removeSnapshot, removeVolume } from "./resources.js"
import { succeeded } from "./tasks.js"

/** Logs a failed step of a sweep and goes on: a sweep must try everything. */
export const attempt = async (part: string, what: string, step: () => Promise<unknown>) => {
  await step().catch((error: unknown) => console.error(`${part} bench clean-up: ${what}: ${String(error)}`))
}

type Left = Readonly<Record<string, ReadonlyArray<unknown>>>

const leftCount = (left: Left) => Object.values(left).reduce((n, ids) => n + ids.length, 0)

const leftover = (part: string, left: Left) =>
  `the ${part} part left something in alice's project: ${JSON.stringify(left)}`

/**
 * `work`, then `sweep` (which returns what is still there). When the work fails, its failure is what
 * propagates, and the sweep's own trouble and what it left are logged; after a success, anything left
 * fails the part.
 */
export const sweptAfter = async <A>(part: string, work: () => Promise<A>, sweep: () => Promise<Left>) => {
  let result: { readonly value: A } | undefined
  let failure: unknown
  try {
    result = { value: await work() }
  } catch (error) {
    failure = error
  }
  if (result === undefined) {
    const left = await sweep().catch((error: unknown) =>
      console.error(`${part} bench clean-up: ${String(error)}`)
    )
    if (left !== undefined && leftCount(left) > 0) console.error(leftover(part, left))
    throw failure
  }
  const left = await sweep()
  if (leftCount(left) > 0) throw new Error(leftover(part, left))
  return result.value
}

/**
 * Removes what a part made, whatever state a failure left it in: the snapshots named with the prefix (a
 * server with backups cannot be deleted), the part's server through Enamel (which also releases what its
 * tasks made; through Nova if that fails), then every server, port (with its floating IPs, whose ids are
 * added to `released`), snapshot, volume and image named with the prefix. Returns what is still named so.
 */
export const sweepNamed = async (
  part: string,
  who: Login,
  apiUrl: string,
  prefix: string,
  serverId: string | undefined,
  released: Set<string> = new Set()
) => {
  const removeSnapshots = async (ids: ReadonlyArray<string>) => {
    for (const id of ids) await attempt(part, `snapshot ${id}`, () => removeSnapshot(who, id))
  }
  await removeSnapshots((await named(who, prefix)).snapshots)
  if (serverId !== undefined) {
    const id = serverId
    await attempt(part, `DELETE /servers/${id}`, () =>
      succeeded(apiUrl, who, 200, "DELETE", `/servers/${id}`)
    )
  }
  const before = await named(who, prefix)
  for (const id of before.servers) await attempt(part, `server ${id}`, () => removeServer(who, id))
  for (const id of before.ports)
    await attempt(part, `port ${id}`, async () => {
      for (const ip of await removePort(who, id)) released.add(ip)
    })
  await removeSnapshots(before.snapshots)
  for (const id of before.volumes) await attempt(part, `volume ${id}`, () => removeVolume(who, id))
  for (const id of before.images) await attempt(part, `image ${id}`, () => removeImage(who, id))
  return named(who, prefix)
}
