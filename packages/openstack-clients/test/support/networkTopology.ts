/**
 * A network's plumbing as tests and benchmarks see and remove it: what carries a task's mark (networks,
 * subnets, routers, and the router interfaces on those networks), and the removal of such a topology in
 * Neutron's order, whatever part of it exists, content when something is gone already.
 */
import { Neutron, type OpenStackError } from "@enamel/openstack-clients"
import { Effect } from "effect"

/** Neutron's device owner of a router's interface ports. */
export const routerInterfaceOwner = "network:router_interface"

const unlessGone = <R>(effect: Effect.Effect<unknown, OpenStackError, R>) =>
  Effect.catchTag(Effect.asVoid(effect), "OpenStackNotFound", () => Effect.void)

/** The ids of a topology's parts, as far as they are known. */
export interface TopologyIds {
  readonly networkIds?: ReadonlyArray<string>
  readonly subnetIds?: ReadonlyArray<string>
  readonly routerIds?: ReadonlyArray<string>
}

/**
 * Removes the routers (each with all its interfaces, so also those on other subnets, and its gateway),
 * then the subnets, then the networks, each with the ports left on it that are not DHCP's (Neutron
 * refuses to delete a network with such ports; what the user left, a test's server, is its own
 * finalizer's). Each step succeeds when the thing is gone already.
 */
export const removeTopology = Effect.fn("test.removeTopology")(function* (ids: TopologyIds) {
  for (const routerId of ids.routerIds ?? []) {
    const interfaces = yield* Neutron.listPorts({ deviceId: routerId, deviceOwner: routerInterfaceOwner })
    for (const port of interfaces)
      yield* unlessGone(Neutron.removeRouterInterface(routerId, { portId: port.id }))
    yield* unlessGone(Neutron.deleteRouter(routerId))
  }
  for (const subnetId of ids.subnetIds ?? []) yield* unlessGone(Neutron.deleteSubnet(subnetId))
  for (const networkId of ids.networkIds ?? []) {
    for (const port of yield* Neutron.listPorts({ networkId, deviceOwner: routerInterfaceOwner })) {
      yield* unlessGone(Neutron.removeRouterInterface(port.deviceId, { portId: port.id }))
    }
    yield* unlessGone(Neutron.deleteNetwork(networkId))
  }
})

/** What carries the mark `enamel_task=<taskId>`: networks, subnets and routers, by id. */
export const markedBy = Effect.fn("test.markedBy")(function* (taskId: string) {
  const tags = [`enamel_task=${taskId}`]
  const [networks, subnets, routers] = yield* Effect.all(
    [Neutron.listNetworks({ tags }), Neutron.listSubnets({ tags }), Neutron.listRouters({ tags })],
    { concurrency: "unbounded" }
  )
  return {
    networkIds: networks.map((n) => n.id),
    subnetIds: subnets.map((s) => s.id),
    routerIds: routers.map((r) => r.id)
  }
})

/**
 * What the session's project has named with the prefix: networks, subnets and routers, and the routers
 * whose interfaces are on such networks (whatever their names), by id.
 */
export const namedWith = Effect.fn("test.namedWith")(function* (prefix: string) {
  const ours = (thing: { readonly name: string }) => thing.name.startsWith(prefix)
  const networkIds = (yield* Neutron.listNetworks()).filter(ours).map((n) => n.id)
  const subnetIds = (yield* Neutron.listSubnets()).filter(ours).map((s) => s.id)
  const interfaces = yield* Effect.forEach(networkIds, (networkId) =>
    Neutron.listPorts({ networkId, deviceOwner: routerInterfaceOwner })
  )
  const routerIds = [
    ...new Set([
      ...(yield* Neutron.listRouters()).filter(ours).map((r) => r.id),
      ...interfaces.flat().map((p) => p.deviceId)
    ])
  ]
  return { networkIds, subnetIds, routerIds }
})

/** Removes everything named with the prefix (`namedWith`, `removeTopology`). */
export const removeNamedWith = (prefix: string) => Effect.flatMap(namedWith(prefix), removeTopology)

/** Removes everything that carries the task's mark (`removeTopology`). */
export const removeMarkedBy = (taskId: string) => Effect.flatMap(markedBy(taskId), removeTopology)
