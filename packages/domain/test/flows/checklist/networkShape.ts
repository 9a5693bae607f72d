/**
 * What alice's project holds of its default network (`network: "auto"`), read through Neutron as alice
 * over the world's cloud double: the networks tagged `enamel_default_network`, their subnets, routers and
 * router interfaces, and how many networks are named `enamel-auto` at all (a leaked candidate, tagged or
 * not, shows there).
 */
import { HttpTransport, Neutron, OpenStackClients, type Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect, Layer } from "effect"
import type { World } from "./harness.js"

/** Runs `effect` as alice against the world's cloud (not as a task: it stores nothing). */
export const asAlice = <A, E>(world: World, effect: Effect.Effect<A, E, Neutron | Session>) => {
  const transport = Layer.succeed(HttpTransport.HttpTransport, world.cloud.transport)
  const clients = Layer.merge(OpenStackClients.layerWithoutTransport, CloudDouble.sessionLayer("alice")).pipe(
    Layer.provideMerge(transport),
    Layer.provideMerge(CloudDouble.layerFastSettings)
  )
  return Effect.provide(effect, clients).pipe(Effect.orDie)
}

export interface Topology {
  readonly networks: ReadonlyArray<{ readonly id: string; readonly ready: boolean }>
  readonly subnets: ReadonlyArray<{ readonly id: string; readonly cidr: string }>
  readonly routers: ReadonlyArray<{ readonly id: string; readonly gateway: boolean }>
  readonly interfaces: ReadonlyArray<{ readonly routerId: string; readonly portId: string }>
  /** Networks named `enamel-auto`, tagged or not. */
  readonly allNamed: number
}

/** Alice's default network(s) and what belongs to them. */
export const defaultTopology = (world: World) =>
  asAlice(
    world,
    Effect.gen(function* () {
      const networks = yield* Neutron.listNetworks({ tags: ["enamel_default_network"] })
      const named = yield* Neutron.listNetworks({ name: "enamel-auto" })
      const perNetwork = yield* Effect.forEach(networks, (network) =>
        Effect.all({
          subnets: Neutron.listSubnets({ networkId: network.id }),
          ports: Neutron.listPorts({ networkId: network.id })
        })
      )
      const interfaces = perNetwork.flatMap(({ ports }) =>
        ports
          .filter((port) => port.deviceOwner === "network:router_interface")
          .map((port) => ({ routerId: port.deviceId, portId: port.id }))
      )
      const routers = yield* Effect.forEach([...new Set(interfaces.map((i) => i.routerId))], (id) =>
        Neutron.getRouter(id)
      )
      const allRouters = yield* Neutron.listRouters({ name: "enamel-auto-router" })
      const topology: Topology = {
        networks: networks.map((n) => ({ id: n.id, ready: n.tags.includes("enamel_default_network_ready") })),
        subnets: perNetwork.flatMap(({ subnets }) => subnets.map((s) => ({ id: s.id, cidr: s.cidr }))),
        routers: [...routers, ...allRouters.filter((r) => !routers.some((seen) => seen.id === r.id))].map(
          (r) => ({
            id: r.id,
            gateway: r.externalGateway !== null
          })
        ),
        interfaces,
        allNamed: named.length
      }
      return topology
    })
  )
