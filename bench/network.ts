/**
 * Networks (issue 19): as alice, `rounds` rounds of three runs in turn, each a network with a subnet, a
 * router with its gateway on the external network `public` and the subnet's interface on it (the five
 * things a new project needs before a server is reachable), then all of it removed:
 *
 * - Enamel's `POST /networks {"name": …, "cidr": …}` (the API and a worker process; the time from the POST
 *   until the task is seen SUCCEEDED, polled every 50 ms; Enamel finds the external network and checks
 *   that the CIDR overlaps no subnet of the project inside its time), then `DELETE /networks/{id}` until
 *   its task is seen SUCCEEDED;
 * - the floor (bench/networkFloor.ts): the same Neutron calls with Enamel's clients in critical-path
 *   order, the external network's id known before the clock starts;
 * - openstacksdk's network proxy, the same calls one after the other (bench/python/sdk_network.py).
 *
 * One untimed round comes first (warm code and caches, alice's key made). Whatever happens, the end sweeps
 * every network and router named `bench-network-<tag>-…` (with the routers on such networks, their
 * interfaces and subnets) and fails the part if anything is left.
 */
import { Neutron } from "@enamel/openstack-clients"
import { Effect, ManagedRuntime } from "effect"
import { cloudLayer } from "../packages/openstack-clients/test/support/cloud.js"
import { namedWith, removeNamedWith } from "../packages/openstack-clients/test/support/networkTopology.js"
import { floorNetwork, topologyTags } from "./networkFloor.js"
import { login } from "./support/cloud.js"
import { type Comparison, compare, measureOf, type Side, type Split } from "./support/comparison.js"
import { deploy } from "./support/enamel.js"
import { ensurePythonModules, runPython } from "./support/python.js"
import { alternateAfterWarmUp } from "./support/stats.js"
import { sweptAfter } from "./support/sweep.js"
import { timedTask } from "./support/tasks.js"

export interface NetworkResult {
  /** Timed rounds, after `warmUpRounds` untimed ones. */
  readonly rounds: number
  readonly warmUpRounds: number
  readonly create: Comparison
  /** The removal of the topology just made. */
  readonly delete: Comparison
}

const WARM_UP_ROUNDS = 1

interface Times {
  readonly create: number
  readonly delete: number
}

/** What `network.create` gives back, as far as the part reads it. */
interface Made {
  readonly network_id: string
}

/**
 * Each side's subnet, away from the /24s Enamel picks by itself (the first free ones of 10.0.0.0/8), so
 * that other work in alice's project (tests making networks at the same time) takes none of them between
 * Enamel's check and its subnet; a side's subnet is gone before the next side runs.
 */
const CIDRS: Readonly<Record<Side, string>> = {
  enamel: "10.197.0.0/24",
  floor: "10.198.0.0/24",
  openstacksdk: "10.199.0.0/24"
}

/** Removes everything named with the prefix, and returns what is still there. */
const sweepNetworks = (prefix: string) =>
  Effect.gen(function* () {
    yield* removeNamedWith(prefix).pipe(
      Effect.catchAll((error) => Effect.logError(`network bench clean-up: ${error.message}`))
    )
    return yield* namedWith(prefix)
  })

export const networkBench = async (rounds: number): Promise<NetworkResult> => {
  ensurePythonModules(["openstack"])
  const alice = await login("alice")
  const cloud = ManagedRuntime.make(cloudLayer("alice"))
  const enamel = await deploy({ accessLog: true, workerTopics: "network.create=2,network.delete=2" })
  const prefix = `bench-network-${Date.now().toString(36)}-`
  const splits: Record<keyof Times, Array<Split>> = { create: [], delete: [] }
  const work = async () => {
    const externalNetworkId = (await cloud.runPromise(Neutron.findNetwork("public"))).id
    const results = await alternateAfterWarmUp<Side, Times>(rounds, WARM_UP_ROUNDS, async () => undefined, {
      enamel: async (r) => {
        const made = await timedTask<Made>(enamel.apiUrl, alice, "POST", "/networks", {
          name: `${prefix}enamel${r}`,
          cidr: CIDRS.enamel
        })
        const path = `/networks/${made.task.result.network_id}`
        const deleted = await timedTask(enamel.apiUrl, alice, "DELETE", path)
        splits.create.push(made.split)
        splits.delete.push(deleted.split)
        return { create: made.seconds, delete: deleted.seconds }
      },
      floor: (r) => cloud.runPromise(floorNetwork(`${prefix}floor${r}`, CIDRS.floor, externalNetworkId)),
      openstacksdk: async (r) => {
        const out = runPython<{ seconds: number; delete_seconds: number }>("sdk_network.py", [
          `${prefix}sdk${r}`,
          CIDRS.openstacksdk,
          externalNetworkId,
          JSON.stringify(topologyTags())
        ])
        return { create: out.seconds, delete: out.delete_seconds }
      }
    })
    return {
      rounds,
      warmUpRounds: WARM_UP_ROUNDS,
      create: compare(
        measureOf(results, (t) => t.create),
        splits.create.slice(WARM_UP_ROUNDS)
      ),
      delete: compare(
        measureOf(results, (t) => t.delete),
        splits.delete.slice(WARM_UP_ROUNDS)
      )
    }
  }
  try {
    return await sweptAfter("network", work, () => cloud.runPromise(sweepNetworks(prefix)))
  } finally {
    await enamel.close()
    await cloud.dispose()
  }
}
