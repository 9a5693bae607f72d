/**
 * `network: "auto"`: the project's default network, found ready, or claimed and made by this task as
 * `network.create` makes a network (its stages, reused), then marked ready. One network however many
 * NICs and servers of the request ask for it. How tasks racing for it agree: `claim.ts`.
 */
import { Effect } from "effect"
import * as Flow from "../../../engine/flow/Flow.js"
import type { Stage } from "../../../engine/flow/Stage.js"
import { addRouterInterface } from "../../network-create/addRouterInterface.js"
import { createRouter } from "../../network-create/createRouter.js"
import { createSubnet } from "../../network-create/createSubnet.js"
import { resolveNetworkRequest } from "../../network-create/resolveRequest.js"
import type { Plan, PlannedDefaultNetwork, PlannedNetwork } from "../plan.js"
import { claimDefaultNetwork, defaultNetworkName } from "./claimDefaultNetwork.js"
import { markDefaultNetworkReady } from "./markDefaultNetworkReady.js"
import { unlessPublished } from "./published.js"

/**
 * A stage of `network.create` whose undo leaves what it made when the default network is kept: once
 * ready, the network is the project's, and `markDefaultNetworkReady`'s undo keeps it (with its subnet,
 * router and interface) when another task's server uses it.
 */
const keptOnceReady = <I, A, AI, E, R>(stage: Stage<I, A, E, R, AI>) => {
  const undo = stage.compensate
  return {
    ...stage,
    ...(undo === undefined
      ? {}
      : {
          compensate: (result: A, context: Parameters<typeof undo>[1]) =>
            unlessPublished(context.taskId, undo(result, context))
        })
  }
}

const subnetOfDefault = keptOnceReady(createSubnet)
const routerOfDefault = keptOnceReady(createRouter)
const interfaceOfDefault = keptOnceReady(addRouterInterface)

const scope = "defaultNetwork"

/** The checklist of the default network's stages, under `defaultNetwork/`. */
export const defaultNetworkStages = {
  [`${scope}/claimDefaultNetwork`]: claimDefaultNetwork,
  [`${scope}/resolveNetworkRequest`]: resolveNetworkRequest,
  [`${scope}/createSubnet`]: subnetOfDefault,
  [`${scope}/createRouter`]: routerOfDefault,
  [`${scope}/addRouterInterface`]: interfaceOfDefault,
  [`${scope}/markDefaultNetworkReady`]: markDefaultNetworkReady
}

/**
 * The project's default network's id: 1. claimed (the network `enamel-auto`), or found ready (then
 * done) → 2. the external network and the first free /24 → 3. at once: the subnet, and the router with
 * its gateway → 4. the subnet's interface on the router → 5. marked ready for the project's other tasks.
 * Steps 2–4 are `network.create`'s stages; a failure at any undoes the claim's network too.
 */
const ensureDefaultNetwork = Flow.scoped(scope)(
  Effect.gen(function* () {
    const claimed = yield* Flow.stage(claimDefaultNetwork, undefined)
    if (!claimed.claimed) return claimed.network_id
    const networkId = claimed.network_id
    const resolved = yield* Flow.stage(resolveNetworkRequest, { name: defaultNetworkName, ip_version: 4 })
    const [subnet, router] = yield* Flow.parallel(
      Flow.stage(subnetOfDefault, {
        network_id: networkId,
        name: `${defaultNetworkName}-subnet`,
        cidr: resolved.cidr,
        ip_version: resolved.ip_version,
        dns_nameservers: resolved.dns_nameservers
      }),
      Flow.stage(routerOfDefault, {
        name: `${defaultNetworkName}-router`,
        external_network_id: resolved.external_network_id
      })
    )
    yield* Flow.stage(interfaceOfDefault, { router_id: router.id, subnet_id: subnet.id })
    yield* Flow.stage(markDefaultNetworkReady, { network_id: networkId })
    return networkId
  })
)

const isDefault = (nic: PlannedNetwork | PlannedDefaultNetwork): nic is PlannedDefaultNetwork =>
  "default_network" in nic

/** The plan's NICs, each on a network by id: those on the default network once it is found or made. */
export const withDefaultNetwork = (networks: Plan["networks"]) =>
  networks.some(isDefault)
    ? Effect.map(ensureDefaultNetwork, (networkId) =>
        networks.map(
          (nic): PlannedNetwork =>
            isDefault(nic)
              ? {
                  network_id: networkId,
                  security_group_ids: nic.security_group_ids,
                  floating_network_id: nic.floating_network_id
                }
              : nic
        )
      )
    : Effect.succeed(networks.filter((nic): nic is PlannedNetwork => !isDefault(nic)))
