/**
 * Whether the network may be deleted now, asked of Neutron with the caller's session: the caller sees it,
 * it is the project's own (not external, not another project's shared network), and no port but its
 * plumbing (the routers' interfaces and gateway, DHCP's port) uses it. The same check refuses the request
 * before the 202 (`command.ts`) and fails the task before anything is removed (`findNetworkTopology`),
 * so that a port made in between is found too.
 */
import { Neutron, type Port, Session } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { isPlumbing } from "../cloud/networkPorts.js"
import { NetworkInUse, NetworkNotDeletable, NetworkNotFound } from "./errors.js"

const sessionProjectId = Effect.flatMap(Session, (session) => session.authentication).pipe(
  Effect.map((authentication) => authentication.info.project?.id)
)

/** The network and every port on it, when the network may be deleted now. */
export const deletableNetwork = Effect.fn("NetworkDelete.deletableNetwork")(function* (networkId: string) {
  const [network, ownProject] = yield* Effect.all(
    [
      Neutron.getNetwork(networkId).pipe(
        Effect.catchTag("OpenStackNotFound", () => Effect.fail(new NetworkNotFound({ networkId })))
      ),
      sessionProjectId
    ],
    { concurrency: "unbounded" }
  )
  if (network.external) return yield* new NetworkNotDeletable({ networkId, why: "external" })
  if (network.shared && network.projectId !== ownProject) {
    return yield* new NetworkNotDeletable({ networkId, why: "shared" })
  }
  const ports: ReadonlyArray<Port> = yield* Neutron.listPorts({ networkId: network.id })
  const using = ports.filter((port) => !isPlumbing(port))
  if (using.length > 0) {
    return yield* new NetworkInUse({
      networkId: network.id,
      ports: using.map((port) => ({ id: port.id, device_owner: port.deviceOwner, device_id: port.deviceId }))
    })
  }
  return { network, ports }
})
