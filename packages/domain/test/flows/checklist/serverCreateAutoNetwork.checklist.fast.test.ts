/**
 * `server.create` with `network: "auto"` on the cloud double as alice: the project's default network is
 * made the first time (network, subnet, router, interface) and reused afterwards; tasks asking for it at
 * once make exactly one; a crash at each of its stages resumes to one; an undo removes it only when no
 * other server is on it.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerCreate } from "@enamel/domain/flows"
import { Neutron } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Fiber, Schema } from "effect"
import { carries, deleteServers } from "./fixtures.js"
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
import { asAlice, defaultTopology, type Topology } from "./networkShape.js"

/** `name` booted from `tiny` on the project's default network (`nics` times), with `count` servers. */
const autoRequest = (name: string, options: { readonly count?: number; readonly nics?: number } = {}) =>
  Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
    name,
    count: options.count ?? 1,
    image: "tiny",
    flavor: "m1.tiny",
    networks: Array.from({ length: options.nics ?? 1 }, () => ({ network: "auto" }))
  })

const task = (name: string, options?: { readonly count?: number; readonly nics?: number }) => ({
  taskId: crypto.randomUUID(),
  params: autoRequest(name, options)
})

const stagesOf = (world: World, taskId: string) =>
  Effect.map(writesOf(world, taskId), (writes) => [
    ...new Set(writes.filter((w) => w.phase === "run" && w.state === "SUCCEEDED").map((w) => w.path))
  ])

const madeTopology = [
  "defaultNetwork/claimDefaultNetwork",
  "defaultNetwork/resolveNetworkRequest",
  "defaultNetwork/createSubnet",
  "defaultNetwork/createRouter",
  "defaultNetwork/addRouterInterface",
  "defaultNetwork/markDefaultNetworkReady"
]

/** Exactly one default network, ready, with one subnet, one router with its gateway, one interface. */
const expectOneTopology = (topology: Topology) => {
  expect(topology.networks).toHaveLength(1)
  expect(topology.networks[0]?.ready).toBe(true)
  expect(topology.subnets).toHaveLength(1)
  expect(topology.routers).toHaveLength(1)
  expect(topology.routers[0]?.gateway).toBe(true)
  expect(topology.interfaces).toHaveLength(1)
}

/** Every port of the servers is on the default network. */
const expectOnDefault = (
  topology: Topology,
  servers: ReadonlyArray<{ readonly ports: ReadonlyArray<{ readonly network_id: string }> }>
) => {
  const networkId = topology.networks[0]?.id
  for (const server of servers) {
    for (const port of server.ports) expect(port.network_id).toBe(networkId)
  }
}

describe("server.create with network auto on the cloud double", () => {
  it.live("the first request makes the default network; the next one reuses it and makes none", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      expect((yield* defaultTopology(world)).networks).toEqual([])

      const first = task("auto-1")
      const made = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, first))
      expect(
        (yield* stagesOf(world, first.taskId)).filter((p) => p.startsWith("defaultNetwork/")).sort()
      ).toEqual([...madeTopology].sort())
      const topology = yield* defaultTopology(world)
      expectOneTopology(topology)
      expectOnDefault(topology, made.servers)
      expect(topology.subnets[0]?.cidr).toMatch(/^10\.\d+\.\d+\.0\/24$/)

      const second = task("auto-2")
      const reused = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, second))
      expect((yield* stagesOf(world, second.taskId)).filter((p) => p.startsWith("defaultNetwork/"))).toEqual([
        "defaultNetwork/claimDefaultNetwork"
      ])
      expect(yield* defaultTopology(world)).toEqual(topology)
      expectOnDefault(topology, reused.servers)
    })
  )

  it.live("auto on two NICs of two servers of one request: one network, four ports on it", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* succeeded(
        yield* runToEnd(world, ServerCreate.flow, task("twice", { count: 2, nics: 2 }))
      )
      const topology = yield* defaultTopology(world)
      expectOneTopology(topology)
      expect(made.servers.flatMap((s) => s.ports)).toHaveLength(4)
      expectOnDefault(topology, made.servers)
    })
  )

  it.live("five tasks at once in a project without one: exactly one network, subnet, router; all on it", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const tasks = [1, 2, 3, 4, 5].map((n) => task(`race-${n}`))
      const results = yield* Effect.forEach(
        tasks,
        (t) => Effect.flatMap(runToEnd(world, ServerCreate.flow, t), succeeded),
        { concurrency: "unbounded" }
      )
      const topology = yield* defaultTopology(world)
      expectOneTopology(topology)
      expectOnDefault(
        topology,
        results.flatMap((r) => r.servers)
      )
      // Exactly one task made the rest; every other found it ready.
      const builders = yield* Effect.forEach(tasks, (t) =>
        Effect.map(stagesOf(world, t.taskId), (paths) => paths.includes("defaultNetwork/createSubnet"))
      )
      expect(builders.filter((built) => built)).toHaveLength(1)
      // A loser's candidate is gone: every network the tasks made but the default one was deleted.
      const calls = yield* world.cloud.calls
      const creates = calls.filter((c) => c.method === "POST" && c.path === "/networks").length
      const deletes = calls.filter((c) => c.method === "DELETE" && c.path.startsWith("/networks/")).length
      // They raced: more than one made a candidate (all five list before any has made one, on the double).
      expect(creates).toBeGreaterThan(1)
      expect(creates - deletes).toBe(1)
      expect(topology.allNamed).toBe(1)
    })
  )

  it.live(
    "another task's candidate that is not ready keeps a task waiting; when it goes, the task makes one",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const other = crypto.randomUUID()
        const stale = yield* asAlice(
          world,
          Neutron.createNetwork({
            name: "enamel-auto",
            tags: [
              "enamel_default_network",
              `enamel_task=${other}`,
              `enamel_token=enamel-${other}-defaultNetwork/claimDefaultNetwork`
            ]
          })
        )
        const waiting = yield* Effect.fork(runToEnd(world, ServerCreate.flow, task("waits")))
        yield* Effect.sleep("1500 millis")
        // Still waiting: it made nothing beside the other task's candidate.
        expect((yield* defaultTopology(world)).allNamed).toBe(1)
        yield* asAlice(world, Neutron.deleteNetwork(stale.id))
        const made = yield* succeeded(yield* Fiber.join(waiting))
        const topology = yield* defaultTopology(world)
        expectOneTopology(topology)
        expect(topology.networks[0]?.id).not.toBe(stale.id)
        expectOnDefault(topology, made.servers)
      })
  )

  it.live("no room for the router: the task fails with network.over_quota and its network is undone", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const failing = task("no-router")
      yield* world.cloud.inject({
        service: "neutron",
        method: "POST",
        path: "/routers",
        answer: Fault.overQuota
      })
      const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, failing))
      expect(outcome.error).toMatchObject({
        code: "network.over_quota",
        stage: "defaultNetwork/createRouter"
      })
      expect(outcome.compensation.failed).toEqual([])
      const topology = yield* defaultTopology(world)
      expect([topology.networks, topology.subnets, topology.routers, topology.allNamed]).toEqual([
        [],
        [],
        [],
        0
      ])
    })
  )

  it.live("a server that fails after making the default network alone: everything it made is undone", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const failing = task("fails")
      yield* world.cloud.inject({
        service: "nova",
        method: "POST",
        path: "/servers",
        where: carries(failing.taskId, "server[0]/bootServer"),
        answer: Fault.overQuota
      })
      const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, failing))
      expect(outcome.error.stage).toBe("server[0]/bootServer")
      expect(outcome.compensation.failed).toEqual([])
      const topology = yield* defaultTopology(world)
      expect([topology.networks, topology.subnets, topology.routers, topology.interfaces]).toEqual([
        [],
        [],
        [],
        []
      ])
      expect(topology.allNamed).toBe(0)
    })
  )

  it.live(
    "a server that fails after another task's server went on its default network: the network is kept",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const first = task("first")
        // The first task makes the network, then dies as it is about to boot (its port exists).
        yield* crashed(
          yield* runProcess(world, ServerCreate.flow, first, {
            crash: { _tag: "StageStarted", path: "server[0]/bootServer" }
          })
        )
        // Another task puts its server on the network meanwhile.
        const second = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, task("second")))
        const topology = yield* defaultTopology(world)
        expectOneTopology(topology)
        // The first task, resumed, fails to boot, and undoes: its port goes, the network stays.
        yield* world.cloud.inject({
          service: "nova",
          method: "POST",
          path: "/servers",
          where: carries(first.taskId, "server[0]/bootServer"),
          answer: Fault.overQuota
        })
        yield* world.pass(restartDelay)
        const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, first))
        expect(outcome.compensation.failed).toEqual([])
        expect(yield* defaultTopology(world)).toEqual(topology)
        expectOnDefault(topology, second.servers)
        expect((yield* world.cloud.snapshot).alpha?.ports.filter((p) => p.name.startsWith("first-"))).toEqual(
          []
        )
        // With the second server deleted, a third request still finds the network ready.
        yield* deleteServers(
          world,
          second.servers.map((s) => s.id)
        )
        yield* succeeded(yield* runToEnd(world, ServerCreate.flow, task("third")))
        expect(yield* defaultTopology(world)).toEqual(topology)
      })
  )

  const crashes: ReadonlyArray<CrashCase> = [
    crashCase(() => ({ _tag: "StageStarted", path: "defaultNetwork/claimDefaultNetwork" })),
    crashCase((taskId) => ({
      _tag: "CallLanded",
      path: "defaultNetwork/claimDefaultNetwork",
      call: {
        service: "neutron",
        method: "POST",
        path: "/networks",
        where: carries(taskId, "defaultNetwork/")
      }
    })),
    crashCase((taskId) => ({
      _tag: "CallLanded",
      path: "defaultNetwork/claimDefaultNetwork",
      call: {
        service: "neutron",
        method: "PUT",
        path: "/networks/*/tags",
        where: carries(taskId, "defaultNetwork/claimDefaultNetwork")
      }
    })),
    crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "defaultNetwork/claimDefaultNetwork" })),
    crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "defaultNetwork/resolveNetworkRequest" })),
    crashCase((taskId) => ({
      _tag: "CallLanded",
      path: "defaultNetwork/createSubnet",
      call: {
        service: "neutron",
        method: "POST",
        path: "/subnets",
        where: carries(taskId, "defaultNetwork/")
      }
    })),
    crashCase((taskId) => ({
      _tag: "CallLanded",
      path: "defaultNetwork/createRouter",
      call: {
        service: "neutron",
        method: "POST",
        path: "/routers",
        where: carries(taskId, "defaultNetwork/")
      }
    })),
    crashCase(() => ({
      _tag: "CallLanded",
      path: "defaultNetwork/addRouterInterface",
      call: { service: "neutron", method: "PUT", path: "/routers/*/add_router_interface" }
    })),
    crashCase((taskId) => ({
      _tag: "CallLanded",
      path: "defaultNetwork/markDefaultNetworkReady",
      call: {
        service: "neutron",
        method: "PUT",
        path: "/networks/*/tags",
        where: (call) => call.bodyText.includes("enamel_default_network_ready") && carries(taskId, "")(call)
      }
    })),
    crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "defaultNetwork/markDefaultNetworkReady" }))
  ]

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: one default network, the server on it`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const first = task("resumed")
        yield* crashed(yield* runProcess(world, ServerCreate.flow, first, { crash: crash.at(first.taskId) }))
        yield* world.pass(restartDelay)
        const made = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, first))
        const topology = yield* defaultTopology(world)
        expectOneTopology(topology)
        expect(topology.allNamed).toBe(1)
        expectOnDefault(topology, made.servers)
      })
    )
  }

  it.live(
    "the winner crashes mid-build while another task asks: the other waits, the winner resumes, one network",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const winner = task("winner")
        yield* crashed(
          yield* runProcess(world, ServerCreate.flow, winner, {
            crash: { _tag: "StageStarted", path: "defaultNetwork/createSubnet" }
          })
        )
        const waiting = yield* Effect.fork(runToEnd(world, ServerCreate.flow, task("waiter")))
        yield* Effect.sleep("1500 millis")
        yield* world.pass(restartDelay)
        const [resumed, waited] = yield* Effect.all(
          [
            Effect.flatMap(runToEnd(world, ServerCreate.flow, winner), succeeded),
            Effect.flatMap(Fiber.join(waiting), succeeded)
          ],
          { concurrency: "unbounded" }
        )
        const topology = yield* defaultTopology(world)
        expectOneTopology(topology)
        expect(topology.allNamed).toBe(1)
        expectOnDefault(topology, [...resumed.servers, ...waited.servers])
      })
  )
})
