/**
 * Resize (issue 18): on one volume-backed server made for the part (through Enamel, on m1.tiny, deleted at
 * the end), as alice, `rounds` rounds of three runs in turn, each a resize of the running server to the
 * other of m1.tiny and m1.small, confirmed, until it is ACTIVE on it:
 *
 * - Enamel's `POST /servers/{id}/resize {"flavor": name}` (the API and a worker process; the time from the
 *   POST until the task is seen SUCCEEDED, polled every 50 ms);
 * - the floor (bench/resizeFloor.ts): Nova resize → VERIFY_RESIZE → confirmResize → ACTIVE on the new
 *   flavor, polled every 0.2 s;
 * - openstacksdk's resize_server + wait_for_server + confirm_server_resize, polled every 0.2 s
 *   (bench/python/sdk_resize.py).
 *
 * Each run resizes the server back from where the one before left it, so each side goes up and down in
 * turn; with an even number of rounds each side makes as many of each (the default is 4). One untimed
 * round comes first (warm code and caches). Every run starts once the server is ACTIVE with no task under
 * way. Whatever happens, the end sweeps what is named `bench-resize-<tag>-…` and fails the part if
 * anything is left.
 */
import { flavorIds, flavorNameOf, floorResize } from "./resizeFloor.js"
import { type Comparison, compare } from "./support/comparison.js"
import { runPython } from "./support/python.js"
import { onOneServer, WARM_UP_ROUNDS } from "./support/serverPart.js"

export interface ResizeResult {
  /** Timed rounds, after `warmUpRounds` untimed ones. */
  readonly rounds: number
  readonly warmUpRounds: number
  /** How often the floor and openstacksdk poll, as Enamel's waits do. */
  readonly pollMs: number
  readonly resize: Comparison
}

const FLAVORS = ["m1.tiny", "m1.small"]

export const resizeBench = async (rounds: number): Promise<ResizeResult> => {
  const { results, splits } = await onOneServer("resize", ["server.resize"], rounds, async (on) => {
    const ids = await flavorIds(on.alice)
    /** The flavor the server is not on (read untimed, before each run's clock). */
    const next = async () => {
      const now = await flavorNameOf(on.alice, on.serverId)
      const target = FLAVORS.find((f) => f !== now) ?? ""
      const id = ids[target]
      if (id === undefined) throw new Error(`the dev cloud has no flavor ${target}`)
      return { id, name: target }
    }
    return {
      enamel: async () => {
        const flavor = await next()
        const path = `/servers/${on.serverId}/resize`
        return (await on.enamelTimed("resize", "POST", path, { flavor: flavor.name })).seconds
      },
      floor: async () => floorResize(on.alice, on.serverId, await next()),
      openstacksdk: async () => {
        const flavor = await next()
        return runPython<{ seconds: number }>("sdk_resize.py", [on.serverId, flavor.id, flavor.name]).seconds
      }
    }
  })
  return {
    rounds,
    warmUpRounds: WARM_UP_ROUNDS,
    pollMs: 200,
    resize: compare(results, splits.resize ?? [])
  }
}
