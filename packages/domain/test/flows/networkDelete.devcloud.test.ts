/**
 * `network.delete` and `GET /networks/{id}`'s read against the real dev cloud as alice, on a topology
 * built with the clients directly (network, subnet, router with its gateway on `public`, the subnet's
 * interface), marked as `network.create` marks what it makes, plus a plain port on the network. Every
 * resource is removed when the test's scope closes, pass or fail (each removal takes "gone" as done).
 */
import { describe, expect, layer } from "@effect/vitest"
import { Neutron } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import { neutronTags } from "../../src/flows/cloud/marks.js"
import {
  removeNetworkUntilGone,
  removeRouterInterfaceUntilGone,
  removeRouterUntilGone,
  removeSubnetUntilGone
} from "../../src/flows/cloud/neutronRemoval.js"
import { removePort } from "../../src/flows/cloud/remove.js"
import * as NetworkDelete from "../../src/flows/network-delete/index.js"
import * as NetworkShow from "../../src/flows/network-show/index.js"
import { aliceCloud, timeout, uniqueName } from "./support/devcloud.js"
import { failed, gone, states, succeeded, timeline } from "./support/expectations.js"

/** A /24 in 10.0.0.0/8 unlikely to be another test's at the same time (overlaps are allowed anyway). */
const someCidr = () => `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 256)}.0/24`

const cleanly = <A, E, R>(what: string, release: Effect.Effect<A, E, R>) =>
  release.pipe(Effect.catchAllCause((cause) => Effect.logWarning(`test clean-up of ${what} failed`, cause)))

/**
 * Network, subnet, router (gateway on `public`; Enamel's marks unless `usersRouter`) and the subnet's
 * interface, each removed again when the scope closes.
 */
const buildTopology = (name: string, options: { readonly usersRouter?: boolean } = {}) =>
  Effect.gen(function* () {
    const task = crypto.randomUUID()
    const marks = (stage: string) => neutronTags(task, `enamel-${task}-${stage}`)
    const network = yield* Effect.acquireRelease(
      Neutron.createNetwork({ name, tags: marks("createNetwork") }),
      (made) => cleanly(`network ${made.id}`, removeNetworkUntilGone(made.id))
    )
    const subnet = yield* Effect.acquireRelease(
      Neutron.createSubnet({
        networkId: network.id,
        name: `${name}-subnet`,
        cidr: someCidr(),
        ipVersion: 4,
        tags: marks("createSubnet")
      }),
      (made) => cleanly(`subnet ${made.id}`, removeSubnetUntilGone(made.id))
    )
    const external = yield* Neutron.findNetwork("public")
    const router = yield* Effect.acquireRelease(
      Neutron.createRouter({
        name: `${name}-router`,
        externalNetworkId: external.id,
        ...(options.usersRouter === true ? {} : { tags: marks("createRouter") })
      }),
      (made) => cleanly(`router ${made.id}`, removeRouterUntilGone(made.id))
    )
    const iface = yield* Effect.acquireRelease(
      Neutron.addRouterInterface(router.id, { subnetId: subnet.id }),
      (made) => cleanly(`interface ${made.portId}`, removeRouterInterfaceUntilGone(router.id, made.portId))
    )
    return {
      task,
      external: external.id,
      network: network.id,
      subnet: subnet.id,
      router: router.id,
      port: iface.portId
    }
  })

const run = (networkId: string) =>
  Effect.gen(function* () {
    const taskId = crypto.randomUUID()
    const outcome = yield* runFlow(NetworkDelete.flow, { taskId, params: { network_id: networkId } })
    return { taskId, outcome }
  })

describe("network.delete on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "refused while a plain port is on the network, naming it; once the port is gone it leaves nothing",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("netdel")
          const made = yield* buildTopology(name)
          const plain = yield* Effect.acquireRelease(
            Neutron.createPort({ networkId: made.network, name: `${name}-plain` }),
            (port) => cleanly(`port ${port.id}`, removePort(port.id))
          )

          // The read shows what Enamel made, and the router's external network.
          const shown = yield* NetworkShow.readNetwork(made.network)
          expect(shown.task_id).toBe(made.task)
          expect(shown.subnets.map((s) => [s.id, s.task_id])).toEqual([[made.subnet, made.task]])
          expect(shown.routers).toHaveLength(1)
          expect(shown.routers[0]).toMatchObject({
            id: made.router,
            external_network: { id: made.external, name: "public" },
            interface_port_ids: [made.port],
            task_id: made.task
          })
          const shownPorts = new Map(shown.ports.map((p) => [p.id, p]))
          expect(shownPorts.get(made.port)).toMatchObject({
            device_owner: "network:router_interface",
            device_id: made.router,
            task_id: made.task
          })
          expect(shownPorts.get(plain.id)).toMatchObject({ device_owner: "", task_id: null })

          // Refused before the 202, naming the port; the task too (a port made after the 202), changing nothing.
          const refusal = yield* Effect.flip(NetworkDelete.command.admit({ network_id: made.network }))
          expect(refusal).toMatchObject({ status: 409, code: "network.in_use" })
          expect(refusal.detail).toContain(`${plain.id} (no device owner, no device)`)
          const refused = yield* failed((yield* run(made.network)).outcome)
          expect(refused.error).toMatchObject({ code: "network.in_use", stage: "findNetworkTopology" })
          expect(refused.error.message).toContain(plain.id)
          expect(yield* gone(Neutron.getRouter(made.router))).toBe(false)
          expect(yield* gone(Neutron.getPort(made.port))).toBe(false)
          expect(yield* gone(Neutron.getNetwork(made.network))).toBe(false)

          // The port removed: the delete goes down its checklist and leaves nothing.
          yield* removePort(plain.id)
          const { taskId, outcome } = yield* run(made.network)
          const result = yield* succeeded(outcome)
          expect(result).toEqual({
            network_id: made.network,
            subnet_ids: [made.subnet],
            router_ids: [made.router],
            interface_port_ids: [made.port]
          })
          expect(states(yield* timeline(taskId), "run")).toEqual([
            "findNetworkTopology#1:SUCCEEDED",
            "removeRouterInterfaces#1:SUCCEEDED",
            "deleteRouters#1:SUCCEEDED",
            "deleteSubnets#1:SUCCEEDED",
            "deleteNetwork#1:SUCCEEDED"
          ])
          expect(yield* gone(Neutron.getPort(made.port))).toBe(true)
          expect(yield* gone(Neutron.getRouter(made.router))).toBe(true)
          expect(yield* gone(Neutron.getSubnet(made.subnet))).toBe(true)
          expect(yield* gone(Neutron.getNetwork(made.network))).toBe(true)
          expect(yield* Neutron.listPorts({ networkId: made.network })).toEqual([])
        }),
      { timeout: 120_000 }
    )

    it.scoped("a router the user brought keeps existing: only its interface on the network goes", () =>
      Effect.gen(function* () {
        const made = yield* buildTopology(uniqueName("netdel-users"), { usersRouter: true })
        const result = yield* succeeded((yield* run(made.network)).outcome)
        expect(result).toEqual({
          network_id: made.network,
          subnet_ids: [made.subnet],
          router_ids: [],
          interface_port_ids: [made.port]
        })
        expect(yield* gone(Neutron.getRouter(made.router))).toBe(false)
        expect(yield* gone(Neutron.getPort(made.port))).toBe(true)
        expect(yield* gone(Neutron.getNetwork(made.network))).toBe(true)
      })
    )
  })
})
