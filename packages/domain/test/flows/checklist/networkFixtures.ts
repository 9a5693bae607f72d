/**
 * A network topology for the network checklists, built by alice herself with the clients (not through
 * Enamel) and marked as `network.create` marks what it makes; and what of it still stands.
 */
import { Neutron } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { neutronTags } from "../../../src/flows/cloud/marks.js"
import type { World } from "./harness.js"
import { asAlice } from "./volumeFixtures.js"

/** Network, subnet, router (gateway on `public`) and interface, marked as network.create's task marks them. */
export const buildTopology = (world: World, cidr = "10.9.0.0/24") =>
  asAlice(
    world,
    Effect.gen(function* () {
      const task: string = crypto.randomUUID()
      const marks = (stage: string) => neutronTags(task, `enamel-${task}-${stage}`)
      const network = yield* Neutron.createNetwork({ name: "net", tags: marks("createNetwork") })
      const subnet = yield* Neutron.createSubnet({
        networkId: network.id,
        name: "net-subnet",
        cidr,
        ipVersion: 4,
        tags: marks("createSubnet")
      })
      const external = yield* Neutron.findNetwork("public")
      const router = yield* Neutron.createRouter({
        name: "net-router",
        externalNetworkId: external.id,
        tags: marks("createRouter")
      })
      const iface = yield* Neutron.addRouterInterface(router.id, { subnetId: subnet.id })
      return { task, network: network.id, subnet: subnet.id, router: router.id, port: iface.portId }
    }).pipe(Effect.orDie)
  )

export type Topology = Effect.Effect.Success<ReturnType<typeof buildTopology>>

/** Whether the cloud has the thing `get` reads (false when it answers 404). */
export const found = <A, E extends { readonly _tag: string }, R>(get: Effect.Effect<A, E, R>) =>
  get.pipe(
    Effect.as(true),
    Effect.catchIf(
      (error) => error._tag === "OpenStackNotFound",
      () => Effect.succeed(false)
    )
  )

/** Which of the topology's resources still exist. */
export const standing = (world: World, made: Topology) =>
  asAlice(
    world,
    Effect.all({
      network: found(Neutron.getNetwork(made.network)),
      subnet: found(Neutron.getSubnet(made.subnet)),
      router: found(Neutron.getRouter(made.router)),
      port: found(Neutron.getPort(made.port))
    }).pipe(Effect.orDie)
  )
