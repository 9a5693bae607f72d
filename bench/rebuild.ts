/**
 * Rebuild (issue 18): on one volume-backed server made for the part (through Enamel, deleted at the end),
 * as alice, `rounds` rounds of three runs in turn, each a rebuild of the running server from the other of
 * two images (`tiny`, and a private 1 MiB image uploaded for the part), on the dev cloud's path: Nova 2.93
 * rebuilds it and Cinder reimages its root volume:
 *
 * - Enamel's `POST /servers/{id}/rebuild {"image": name}` (the API and a worker process; the time from the
 *   POST until the task is seen SUCCEEDED, polled every 50 ms);
 * - the floor (bench/rebuildFloor.ts): Nova rebuild at 2.93 → ACTIVE, polled every 0.2 s;
 * - openstacksdk: the proxy's POST of the rebuild at 2.93 + wait_for_server every 0.2 s
 *   (bench/python/sdk_rebuild.py says why not rebuild_server).
 *
 * One untimed round comes first (warm code and caches). Every run starts once the server is ACTIVE with
 * no task under way. Whatever happens, the end sweeps what is named `bench-rebuild-<tag>-…` (the image
 * too) and fails the part if anything is left.
 */
import { floorRebuild } from "./rebuildFloor.js"
import { call } from "./support/cloud.js"
import { type Comparison, compare } from "./support/comparison.js"
import { runPython } from "./support/python.js"
import { uploadImage } from "./support/resources.js"
import { onOneServer, WARM_UP_ROUNDS } from "./support/serverPart.js"

export interface RebuildResult {
  /** Timed rounds, after `warmUpRounds` untimed ones. */
  readonly rounds: number
  readonly warmUpRounds: number
  /** How often the floor and openstacksdk poll, as Enamel's waits do. */
  readonly pollMs: number
  readonly rebuild: Comparison
}

export const rebuildBench = async (rounds: number): Promise<RebuildResult> => {
  const { results, splits } = await onOneServer("rebuild", ["server.rebuild"], rounds, async (on) => {
    const { images } = await call<{ images: ReadonlyArray<{ id: string }> }>(
      on.alice,
      "image",
      "GET",
      "/v2/images?name=tiny"
    )
    const tiny = images[0]?.id
    if (tiny === undefined) throw new Error("the dev cloud has no image tiny")
    const ownName = `${on.prefix}image`
    const own = { id: await uploadImage(on.alice, ownName), name: ownName }
    // The server was made from tiny; each run rebuilds it from the other image, so each is a change.
    let current = tiny
    const next = () => (current === tiny ? own : { id: tiny, name: "tiny" })
    const rebuilt = (image: { readonly id: string }) => (seconds: number) => {
      current = image.id
      return seconds
    }
    return {
      enamel: async () => {
        const image = next()
        const path = `/servers/${on.serverId}/rebuild`
        return rebuilt(image)((await on.enamelTimed("rebuild", "POST", path, { image: image.name })).seconds)
      },
      floor: async () => {
        const image = next()
        return rebuilt(image)(await floorRebuild(on.alice, on.serverId, image.id))
      },
      openstacksdk: async () => {
        const image = next()
        const out = runPython<{ seconds: number }>("sdk_rebuild.py", [on.serverId, image.id])
        return rebuilt(image)(out.seconds)
      }
    }
  })
  return {
    rounds,
    warmUpRounds: WARM_UP_ROUNDS,
    pollMs: 200,
    rebuild: compare(results, splits.rebuild ?? [])
  }
}
