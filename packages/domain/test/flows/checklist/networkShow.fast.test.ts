/**
 * `GET /networks/{id}`'s read on the cloud double as alice: a topology marked as `network.create` marks
 * it, with a port of alice's own; and a network she made by hand. Each resource says the task that made
 * it, or null.
 */
import { describe, expect, it } from "@effect/vitest"
import { NetworkShow } from "@enamel/domain/flows"
import { Neutron } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { makeWorld } from "./harness.js"
import { buildTopology } from "./networkFixtures.js"
import { asAlice } from "./volumeFixtures.js"

describe("GET /networks/{id}'s read on the cloud double", () => {
  it.live("shows subnets, the router with its external network, the ports, and the task that made each", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* buildTopology(world)
      const [port, external] = yield* asAlice(
        world,
        Effect.all([
          Neutron.createPort({ networkId: made.network, name: "hers" }),
          Neutron.findNetwork("public")
        ]).pipe(Effect.orDie)
      )
      const shown = yield* asAlice(world, NetworkShow.readNetwork(made.network))
      expect(shown).toMatchObject({ id: made.network, name: "net", external: false, task_id: made.task })
      expect(shown.subnets).toEqual([
        expect.objectContaining({
          id: made.subnet,
          cidr: "10.9.0.0/24",
          gateway_ip: "10.9.0.1",
          task_id: made.task
        })
      ])
      expect(shown.routers).toEqual([
        expect.objectContaining({
          id: made.router,
          external_network: { id: external.id, name: "public" },
          interface_port_ids: [made.port],
          task_id: made.task
        })
      ])
      const ports = new Map(shown.ports.map((p) => [p.id, p]))
      expect(ports.get(made.port)).toMatchObject({
        device_owner: "network:router_interface",
        device_id: made.router,
        fixed_ips: [{ subnet_id: made.subnet, ip_address: "10.9.0.1" }],
        task_id: made.task
      })
      expect(ports.get(port.id)).toMatchObject({ device_owner: "", device_id: "", task_id: null })
    })
  )

  it.live("a network made by hand: null for every task; another project's network is not found", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const network = yield* asAlice(world, Neutron.createNetwork({ name: "by-hand" }).pipe(Effect.orDie))
      const shown = yield* asAlice(world, NetworkShow.readNetwork(network.id))
      expect(shown).toEqual({
        id: network.id,
        name: "by-hand",
        status: "ACTIVE",
        shared: false,
        external: false,
        task_id: null,
        subnets: [],
        routers: [],
        ports: []
      })
      const bobs = yield* world.cloud.addNetwork({ project: "beta", name: "bobs", cidr: "10.0.9.0/24" })
      const missing = yield* Effect.flip(asAlice(world, NetworkShow.readNetwork(bobs.networkId)))
      expect(missing).toMatchObject({ _tag: "NetworkNotFound", code: "network.not_found" })
    })
  )
})
