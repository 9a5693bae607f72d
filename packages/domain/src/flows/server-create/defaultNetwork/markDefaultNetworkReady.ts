import { Neutron } from "@enamel/openstack-clients"
import { Effect, Option, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { defaultNetworkReadyTag } from "../../cloud/marks.js"
import { isPlumbing } from "../../cloud/networkPorts.js"

const withTag = (tags: ReadonlyArray<string>) => [
  ...tags.filter((tag) => tag !== defaultNetworkReadyTag),
  defaultNetworkReadyTag
]
const withoutTag = (tags: ReadonlyArray<string>) => tags.filter((tag) => tag !== defaultNetworkReadyTag)

/** The ports on the network that are not its plumbing: servers' and anything else that uses it. */
const usersOf = (networkId: string) =>
  Effect.map(Neutron.listPorts({ networkId }), (ports) => ports.filter((port) => !isPlumbing(port)))

/**
 * The undo: lets go of the default network this task made, unless others use it. It first takes the
 * ready tag off (tasks that look from now on wait instead of using it), then looks at its ports: any
 * port but its router's interface and DHCP's (a server of another task) → the tag goes back and the
 * network is kept with its subnet, router and interface (the undos of the stages that made them see it
 * published and leave them). Otherwise those undos remove interface, router, subnet and network.
 * Taking the tag off before looking closes the race with tasks that look from then on; a task that found
 * the network ready just before, and makes its port just after the look, is not seen (the subnet's
 * delete is then refused, and that undo fails: the README's "network auto" says so).
 */
const release = Effect.fn("ServerCreate.releaseDefaultNetwork")(function* (networkId: string) {
  const found = yield* Neutron.getNetwork(networkId).pipe(
    Effect.map(Option.some),
    Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
  )
  if (Option.isNone(found)) return
  const network = found.value
  yield* Neutron.setNetworkTags(networkId, withoutTag(network.tags))
  const users = yield* usersOf(networkId)
  if (users.length > 0) {
    yield* Neutron.setNetworkTags(networkId, withTag(network.tags))
    yield* Effect.logInfo(
      `the project's default network ${networkId} is kept: ${users.length} other ports use it`
    )
  }
})

export const ReadyNetwork = Schema.Struct({ network_id: Schema.String })
export type ReadyNetwork = typeof ReadyNetwork.Type

/**
 * Creates: the tag `enamel_default_network_ready` on the network this task claimed, once its subnet,
 * router and interface exist: from now on it is the project's default network, which other tasks use.
 * Undo: lets go of it unless others use it (`release`).
 */
export const markDefaultNetworkReady = CloudStage.make({
  name: "markDefaultNetworkReady",
  result: ReadyNetwork,
  run: Effect.fn("ServerCreate.markDefaultNetworkReady")(function* (ready: ReadyNetwork) {
    const network = yield* Neutron.getNetwork(ready.network_id)
    if (!network.tags.includes(defaultNetworkReadyTag)) {
      yield* Neutron.setNetworkTags(ready.network_id, withTag(network.tags))
    }
    return ready
  }),
  compensate: (ready) => release(ready.network_id)
})
