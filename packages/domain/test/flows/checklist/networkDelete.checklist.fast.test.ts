/**
 * `network.delete`'s checklist, run for real on the cloud double as alice, on a topology built with the
 * clients directly and marked as `network.create` marks what it makes (network, subnet, router with its
 * gateway on `public`, the subnet's interface). A clean run; the refusals (with the caller's token before
 * the 202, and a port made after it); a router the user brought; a definitive failure, then a second
 * task; a crash at every stage, then a resume.
 */
import { describe, expect, it } from "@effect/vitest"
import { NetworkDelete } from "@enamel/domain/flows"
import { Neutron } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import {
  type CrashCase,
  crashCase,
  crashed,
  failed,
  makeWorld,
  restartDelay,
  runProcess,
  runToEnd,
  succeeded,
  type World,
  writesOf
} from "./harness.js"
import { buildTopology, found, standing, type Topology } from "./networkFixtures.js"
import { type Checklist, expectChecklist, undoOrder } from "./timeline.js"
import { asAlice } from "./volumeFixtures.js"

const checklist: Checklist = [
  ["findNetworkTopology", []],
  ["removeRouterInterfaces", ["findNetworkTopology"]],
  ["deleteRouters", ["removeRouterInterfaces"]],
  ["deleteSubnets", ["deleteRouters"]],
  ["deleteNetwork", ["deleteSubnets"]]
]
const stages = checklist.map(([stage]) => stage)

const allStanding = { network: true, subnet: true, router: true, port: true }
const noneStanding = { network: false, subnet: false, router: false, port: false }

const deleteTask = (made: Topology) => ({ taskId: crypto.randomUUID(), params: { network_id: made.network } })

const expectedResult = (made: Topology) => ({
  network_id: made.network,
  subnet_ids: [made.subnet],
  router_ids: [made.router],
  interface_port_ids: [made.port]
})

/** A port of the user's on the network (a server's, say): it keeps the network in use. */
const userPort = (world: World, made: Topology) =>
  asAlice(world, Neutron.createPort({ networkId: made.network, name: "users" }).pipe(Effect.orDie))

/** The call by which a stage deletes something: a crash right after it landed leaves the stage in doubt. */
const deleteCalls: Record<string, Fault.CallPattern> = {
  removeRouterInterfaces: { service: "neutron", method: "PUT", path: "/routers/*/remove_router_interface" },
  deleteRouters: { service: "neutron", method: "DELETE", path: "/routers/*" },
  deleteSubnets: { service: "neutron", method: "DELETE", path: "/subnets/*" },
  deleteNetwork: { service: "neutron", method: "DELETE", path: "/networks/*" }
}

const crashes: ReadonlyArray<CrashCase> = stages.flatMap((path) => {
  const call = deleteCalls[path]
  return call === undefined
    ? [crashCase(() => ({ _tag: "OutcomeUnrecorded", path }))]
    : [
        crashCase(() => ({ _tag: "StageStarted", path })),
        crashCase(() => ({ _tag: "CallLanded", path, call })),
        crashCase(() => ({ _tag: "OutcomeUnrecorded", path }))
      ]
})

describe("network.delete's checklist on the cloud double", () => {
  it.live("a clean run goes down the checklist and removes interface, router, subnet and network", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* buildTopology(world)
      const task = deleteTask(made)
      const result = yield* succeeded(yield* runToEnd(world, NetworkDelete.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), checklist)
      expect(result).toEqual(expectedResult(made))
      expect(yield* standing(world, made)).toEqual(noneStanding)
    })
  )

  it.live(
    "refused before the 202 while a user's port is on the network: 409 naming it, nothing changed",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const made = yield* buildTopology(world)
        const port = yield* userPort(world, made)
        const refusal = yield* Effect.flip(
          asAlice(world, NetworkDelete.command.admit({ network_id: made.network }))
        )
        expect(refusal).toMatchObject({ status: 409, code: "network.in_use" })
        expect(refusal.detail).toContain(`${port.id} (no device owner, no device)`)
        expect(yield* standing(world, made)).toEqual(allStanding)
      })
  )

  it.live(
    "a port made after the 202 fails the task at findNetworkTopology, naming it, and removes nothing",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const made = yield* buildTopology(world)
        yield* asAlice(world, NetworkDelete.command.admit({ network_id: made.network }))
        const port = yield* userPort(world, made)
        const task = deleteTask(made)
        const outcome = yield* failed(yield* runToEnd(world, NetworkDelete.flow, task))
        expect(outcome.error).toMatchObject({ code: "network.in_use", stage: "findNetworkTopology" })
        expect(outcome.error.message).toContain(`${port.id} (no device owner, no device)`)
        expect(outcome.compensation).toEqual({ compensated: [], failed: [] })
        expect(yield* standing(world, made)).toEqual(allStanding)
        expect(yield* asAlice(world, found(Neutron.getPort(port.id)).pipe(Effect.orDie))).toBe(true)
      })
  )

  it.live("a router the user brought keeps existing: only its interface on the network goes", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* asAlice(
        world,
        Effect.gen(function* () {
          const network = yield* Neutron.createNetwork({ name: "by-hand" })
          const subnet = yield* Neutron.createSubnet({
            networkId: network.id,
            name: "by-hand-subnet",
            cidr: "10.8.0.0/24",
            ipVersion: 4
          })
          const router = yield* Neutron.createRouter({ name: "users-router" })
          const iface = yield* Neutron.addRouterInterface(router.id, { subnetId: subnet.id })
          return { task: "", network: network.id, subnet: subnet.id, router: router.id, port: iface.portId }
        }).pipe(Effect.orDie)
      )
      const result = yield* succeeded(yield* runToEnd(world, NetworkDelete.flow, deleteTask(made)))
      expect(result).toEqual({ ...expectedResult(made), router_ids: [] })
      expect(yield* standing(world, made)).toEqual({ ...noneStanding, router: true })
    })
  )

  it.live("a router Enamel made that another network uses too keeps existing", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* buildTopology(world)
      const other = yield* asAlice(
        world,
        Effect.gen(function* () {
          const network = yield* Neutron.createNetwork({ name: "other" })
          const subnet = yield* Neutron.createSubnet({
            networkId: network.id,
            name: "other-subnet",
            cidr: "10.7.0.0/24",
            ipVersion: 4
          })
          return yield* Neutron.addRouterInterface(made.router, { subnetId: subnet.id })
        }).pipe(Effect.orDie)
      )
      const result = yield* succeeded(yield* runToEnd(world, NetworkDelete.flow, deleteTask(made)))
      expect(result.router_ids).toEqual([])
      expect(yield* standing(world, made)).toEqual({ ...noneStanding, router: true })
      expect(yield* asAlice(world, found(Neutron.getPort(other.portId)).pipe(Effect.orDie))).toBe(true)
    })
  )

  it.live("a failure at deleteRouters: the task fails there; a second task removes the router too", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* buildTopology(world)
      yield* world.cloud.inject({
        service: "neutron",
        method: "DELETE",
        path: "/routers/*",
        answer: Fault.status(403)
      })
      const first = deleteTask(made)
      const outcome = yield* failed(yield* runToEnd(world, NetworkDelete.flow, first))
      expect(outcome.error.stage).toBe("deleteRouters")
      expect(undoOrder(yield* writesOf(world, first.taskId))).toEqual([])
      expect(yield* standing(world, made)).toEqual({ ...allStanding, port: false })
      yield* world.cloud.clearFaults
      const again = yield* succeeded(yield* runToEnd(world, NetworkDelete.flow, deleteTask(made)))
      expect(again).toEqual({ ...expectedResult(made), interface_port_ids: [] })
      expect(yield* standing(world, made)).toEqual(noneStanding)
    })
  )

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: everything is gone, once`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const made = yield* buildTopology(world)
        const task = deleteTask(made)
        yield* crashed(yield* runProcess(world, NetworkDelete.flow, task, { crash: crash.at(task.taskId) }))
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, NetworkDelete.flow, task))
        expect(result).toEqual(expectedResult(made))
        expect(yield* standing(world, made)).toEqual(noneStanding)
      })
    )
  }
})
