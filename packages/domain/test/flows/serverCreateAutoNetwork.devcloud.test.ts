/**
 * `server.create` with `network: "auto"` against the real dev cloud (needs `devcloud/devcloud up`), in
 * bob's project (beta), which the other server tests do not build networks in: several tasks started at
 * once in a project with no default network make exactly one topology (network, subnet, router,
 * interface), and every server is on it. A default network an earlier run left is removed first; the
 * servers, then the topology, are removed at the end, also when the test fails.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Neutron, Session } from "@enamel/openstack-clients"
import { Effect, Layer } from "effect"
import { cloudLayer } from "../../../openstack-clients/test/support/cloud.js"
import * as CheckpointsMemory from "../../src/engine/flow/CheckpointsMemory.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import { defaultNetworkReadyTag, defaultNetworkTag } from "../../src/flows/cloud/marks.js"
import { removePort, removeServer } from "../../src/flows/cloud/remove.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import { createRequest, newTask, timeout, uniqueName } from "./support/devcloud.js"
import { succeeded } from "./support/expectations.js"

const bobCloud = Layer.merge(cloudLayer("bob"), CheckpointsMemory.layer)

const racers = 4

const projectId = Effect.flatMap(Session, (session) => session.authentication).pipe(
  Effect.map((authentication) => authentication.info.project?.id ?? "")
)

/** Bob's default networks, with their subnets and the routers their interfaces are on. */
const defaultTopology = Effect.gen(function* () {
  const project = yield* projectId
  const networks = yield* Neutron.listNetworks({ tags: [defaultNetworkTag], projectId: project })
  return yield* Effect.forEach(networks, (network) =>
    Effect.map(
      Effect.all({
        subnets: Neutron.listSubnets({ networkId: network.id }),
        interfaces: Neutron.listPorts({ networkId: network.id, deviceOwner: "network:router_interface" })
      }),
      ({ subnets, interfaces }) => ({ network, subnets, interfaces })
    )
  )
})

/** Routers named as the default network's, in bob's project (a leaked one shows here). */
const defaultRouters = Effect.flatMap(projectId, (project) =>
  Neutron.listRouters({ name: `${ServerCreate.defaultNetworkName}-router`, projectId: project })
)

const ignoreNotFound = <A, E extends { readonly _tag: string }, R>(self: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    Effect.asVoid(self),
    (error) => error._tag === "OpenStackNotFound",
    () => Effect.void
  )

/** Removes bob's default networks with their interfaces, routers and subnets (the servers must be gone). */
const removeDefaultTopologies = Effect.gen(function* () {
  for (const { network, subnets, interfaces } of yield* defaultTopology) {
    for (const port of interfaces) {
      yield* ignoreNotFound(Neutron.removeRouterInterface(port.deviceId, { portId: port.id }))
    }
    for (const subnet of subnets) yield* ignoreNotFound(Neutron.deleteSubnet(subnet.id))
    yield* ignoreNotFound(Neutron.deleteNetwork(network.id))
  }
  for (const router of yield* defaultRouters) yield* ignoreNotFound(Neutron.deleteRouter(router.id))
})

describe("server.create with network auto on the dev cloud", () => {
  layer(bobCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      `${racers} tasks at once in a project with no default network: one topology, every server on it`,
      () =>
        Effect.gen(function* () {
          // A default network left by an earlier run would be reused: this test is about making one.
          yield* removeDefaultTopologies
          expect(yield* defaultTopology).toEqual([])
          // Registered first, so it runs last: after the servers' clean-up (newTask's), which frees the ports.
          yield* Effect.addFinalizer(() =>
            removeDefaultTopologies.pipe(
              Effect.catchAllCause((cause) => Effect.logWarning("removing the default network failed", cause))
            )
          )
          const names = Array.from({ length: racers }, (_, i) => uniqueName(`auto${i + 1}`))
          const tasks = yield* Effect.forEach(names, (name) =>
            Effect.map(newTask([name]), (taskId) => ({
              taskId,
              params: createRequest({
                name,
                image: "tiny",
                flavor: "m1.tiny",
                networks: [{ network: "auto" }]
              })
            }))
          )

          const results = yield* Effect.forEach(
            tasks,
            (task) => Effect.flatMap(runFlow(ServerCreate.flow, task), succeeded),
            { concurrency: "unbounded" }
          )

          const topology = yield* defaultTopology
          expect(topology).toHaveLength(1)
          const [made] = topology
          if (made === undefined) return
          expect(made.network.name).toBe(ServerCreate.defaultNetworkName)
          expect(made.network.tags).toContain(defaultNetworkReadyTag)
          expect(made.subnets).toHaveLength(1)
          expect(made.interfaces).toHaveLength(1)
          const routers = yield* defaultRouters
          expect(routers.map((r) => r.id)).toEqual([made.interfaces[0]?.deviceId])
          expect(routers[0]?.externalGateway).not.toBeNull()
          // Every server has its one port on it.
          const ports = results.flatMap((result) => result.servers.flatMap((server) => server.ports))
          expect(ports).toHaveLength(racers)
          for (const port of ports) expect(port.network_id).toBe(made.network.id)
          // No candidate of a task that stepped back is left.
          const named = yield* Effect.flatMap(projectId, (project) =>
            Neutron.listNetworks({ name: ServerCreate.defaultNetworkName, projectId: project })
          )
          expect(named.map((n) => n.id)).toEqual([made.network.id])

          // Clean-up, checked: the servers and their ports (Nova leaves ports it was given), then the topology.
          const servers = results.flatMap((result) => result.servers)
          yield* Effect.forEach(servers, (server) => removeServer(server.id), {
            concurrency: "unbounded",
            discard: true
          })
          yield* Effect.forEach(ports, (port) => removePort(port.id), {
            concurrency: "unbounded",
            discard: true
          })
          yield* removeDefaultTopologies
          expect(yield* defaultTopology).toEqual([])
          expect(yield* defaultRouters).toEqual([])
        }),
      { timeout: 300_000 }
    )
  })
})
