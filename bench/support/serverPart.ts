/**
 * A part that changes one running server three ways (Enamel, the floor, openstacksdk): Enamel deployed
 * with the part's topics, a volume-backed server of alice's made for the part through Enamel, the sides
 * run in turn round after round (one untimed round first), each once the server is ACTIVE with no task
 * under way; and whatever happens, the sweep of everything named with the part's prefix at the end.
 */
import { type Login, login } from "./cloud.js"
import type { Side, Split } from "./comparison.js"
import { deploy } from "./enamel.js"
import { ensurePythonModules } from "./python.js"
import { settled } from "./resources.js"
import { alternateAfterWarmUp } from "./stats.js"
import { sweepNamed, sweptAfter } from "./sweep.js"
import { enamelServer, timedTask } from "./tasks.js"

export const WARM_UP_ROUNDS = 1

/** The server a part works on, and how its Enamel side is timed. */
export interface OnServer {
  readonly alice: Login
  readonly apiUrl: string
  readonly serverId: string
  /** What the part names its things with (swept at the end). */
  readonly prefix: string
  /** One Enamel command timed (`timedTask`), its split kept in `splits` (`key`); its seconds and task. */
  readonly enamelTimed: <R>(
    key: string,
    method: string,
    path: string,
    body?: unknown
  ) => Promise<{ readonly seconds: number; readonly result: R }>
  /** Where each Enamel run's time went, by what was timed, warm-up runs included. */
  readonly splits: Record<string, Array<Split>>
}

/**
 * Runs `rounds` timed rounds of `sides` on a server made for `part` (after WARM_UP_ROUNDS untimed) and
 * returns each side's results with the Enamel runs' splits (warm-up dropped). `topics` are the worker's.
 */
export const onOneServer = async <A>(
  part: string,
  topics: ReadonlyArray<string>,
  rounds: number,
  sides: (on: OnServer) => Promise<Readonly<Record<Side, (round: number) => Promise<A>>>>
): Promise<{ readonly results: Record<Side, Array<A>>; readonly splits: Record<string, Array<Split>> }> => {
  ensurePythonModules(["openstack"])
  const alice = await login("alice")
  const enamel = await deploy({
    accessLog: true,
    workerTopics: ["server.create", "server.delete", ...topics].map((t) => `${t}=2`).join(",")
  })
  const prefix = `bench-${part}-${Date.now().toString(36)}-`
  let serverId: string | undefined
  const work = async () => {
    serverId = await enamelServer(enamel.apiUrl, alice, `${prefix}server`)
    const splits: Record<string, Array<Split>> = {}
    const on: OnServer = {
      alice,
      apiUrl: enamel.apiUrl,
      serverId,
      prefix,
      splits,
      enamelTimed: async <R>(key: string, method: string, path: string, body?: unknown) => {
        const { task, seconds, split } = await timedTask<R>(enamel.apiUrl, alice, method, path, body)
        splits[key] = [...(splits[key] ?? []), split]
        return { seconds, result: task.result }
      }
    }
    const server = serverId
    const results = await alternateAfterWarmUp(
      rounds,
      WARM_UP_ROUNDS,
      () => settled(alice, server),
      await sides(on)
    )
    return {
      results,
      splits: Object.fromEntries(Object.entries(splits).map(([k, v]) => [k, v.slice(WARM_UP_ROUNDS)]))
    }
  }
  try {
    return await sweptAfter(part, work, () => sweepNamed(part, alice, enamel.apiUrl, prefix, serverId))
  } finally {
    await enamel.close()
  }
}
