/**
 * `server.create`'s checklist, run for real on the cloud double as alice: two servers, each with a boot
 * volume, a port on `private` with a floating IP and a port on `backend`, and a keypair imported for them.
 * A clean run; a definitive failure at every stage of it; a crash at every stage, then a resume.
 */
import { describe, expect, it } from "@effect/vitest"
import { Flow, type TimelineWrite } from "@enamel/domain"
import { ServerCreate } from "@enamel/domain/flows"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import { aliceShape, onlyKeypairs } from "./cloudShape.js"
import { built, carries, createRequest, deleteServers } from "./fixtures.js"
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
import { type Checklist, completionOrder, expectChecklist, undoOrder } from "./timeline.js"

const request = createRequest()

/** The checklist of this request: every stage, and the stages that must be done before it starts. */
const checklist: Checklist = [
  ["resolveRequest", []],
  ["importKeypair", ["resolveRequest"]],
  ...[0, 1].flatMap((i): Checklist => {
    const s = `server[${i}]`
    return [
      [`${s}/createBootVolume`, ["importKeypair"]],
      [`${s}/waitVolumeAvailable`, [`${s}/createBootVolume`]],
      [`${s}/network[0]/createPort`, ["importKeypair"]],
      [`${s}/network[1]/createPort`, ["importKeypair"]],
      [`${s}/network[0]/createFloatingIp`, [`${s}/network[0]/createPort`]],
      [
        `${s}/bootServer`,
        [`${s}/waitVolumeAvailable`, `${s}/network[0]/createPort`, `${s}/network[1]/createPort`]
      ],
      [`${s}/waitServerActive`, [`${s}/bootServer`]]
    ]
  })
]
const stages = checklist.map(([stage]) => stage)

const serverOf = (path: string) => path.split("/")[0] ?? ""

/** For each stage, a definitive failure at it, in the cloud's own words. */
const failureAt: Record<string, (taskId: string, path: string) => Fault.FaultRule> = {
  resolveRequest: () => ({ service: "glance", method: "GET", path: "/images", answer: Fault.status(403) }),
  importKeypair: () => ({ service: "nova", method: "POST", path: "/os-keypairs", answer: Fault.overQuota }),
  "server[]/createBootVolume": (taskId, path) => ({
    service: "cinder",
    method: "POST",
    path: "/volumes",
    where: carries(taskId, path),
    answer: Fault.overQuota
  }),
  "server[]/waitVolumeAvailable": (taskId, path) => ({
    service: "cinder",
    method: "POST",
    path: "/volumes",
    where: carries(taskId, `${serverOf(path)}/createBootVolume`),
    answer: Fault.errorState("schedule allocate volume:Could not find any available weighted backend.")
  }),
  "server[]/network[]/createPort": (taskId, path) => ({
    service: "neutron",
    method: "POST",
    path: "/ports",
    where: carries(taskId, path),
    answer: Fault.overQuota
  }),
  "server[]/network[]/createFloatingIp": (taskId, path) => ({
    service: "neutron",
    method: "POST",
    path: "/floatingips",
    where: carries(taskId, path),
    answer: Fault.overQuota
  }),
  "server[]/bootServer": (taskId, path) => ({
    service: "nova",
    method: "POST",
    path: "/servers",
    where: carries(taskId, path),
    answer: Fault.overQuota
  }),
  "server[]/waitServerActive": (taskId, path) => ({
    service: "nova",
    method: "POST",
    path: "/servers",
    where: carries(taskId, `${serverOf(path)}/bootServer`),
    answer: Fault.errorState("No valid host was found. There are not enough hosts available.")
  })
}

type CallOf = (taskId: string, path: string) => Fault.CallPattern

/** The calls by which a stage makes something: a crash right after one landed leaves it in doubt. */
const createCalls: Record<string, ReadonlyArray<CallOf>> = {
  importKeypair: [() => ({ service: "nova", method: "POST", path: "/os-keypairs" })],
  "server[]/createBootVolume": [
    (taskId, path) => ({ service: "cinder", method: "POST", path: "/volumes", where: carries(taskId, path) })
  ],
  "server[]/network[]/createPort": [
    (taskId, path) => ({ service: "neutron", method: "POST", path: "/ports", where: carries(taskId, path) }),
    (taskId, path) => ({
      service: "neutron",
      method: "PUT",
      path: "/ports/*/tags",
      where: carries(taskId, path)
    })
  ],
  "server[]/network[]/createFloatingIp": [
    (taskId, path) => ({
      service: "neutron",
      method: "POST",
      path: "/floatingips",
      where: carries(taskId, path)
    }),
    (taskId, path) => ({
      service: "neutron",
      method: "PUT",
      path: "/floatingips/*/tags",
      where: carries(taskId, path)
    })
  ],
  "server[]/bootServer": [
    (taskId, path) => ({ service: "nova", method: "POST", path: "/servers", where: carries(taskId, path) })
  ]
}

/**
 * Where the process dies. At every stage, with the stage in doubt: right after each call by which it
 * makes something reached the cloud (the cloud has it, the task does not know), or, for a stage that makes
 * nothing, once it finished but before its outcome was stored. And, for the keypair and the first
 * server's stages that make something, right after the stage started (nothing of it reached the cloud).
 */
const crashes: ReadonlyArray<CrashCase> = stages.flatMap((path) => {
  const calls = createCalls[Flow.pathTemplate(path)]
  const inDoubt =
    calls === undefined
      ? [crashCase(() => ({ _tag: "OutcomeUnrecorded", path }))]
      : calls.map((call) => crashCase((taskId) => ({ _tag: "CallLanded", path, call: call(taskId, path) })))
  const started =
    calls === undefined || path.startsWith("server[1]")
      ? []
      : [crashCase(() => ({ _tag: "StageStarted", path }))]
  return [...started, ...inDoubt]
})

const hasUndo = (path: string): boolean => {
  const stage = ServerCreate.flow.stages?.[Flow.pathTemplate(path)]
  return stage !== undefined && "compensate" in stage && stage.compensate !== undefined
}

/**
 * What a worker's NameCache holds once it has resolved this request's names; `staleFlavor`: `m1.tiny` as
 * it was before the flavor was replaced (the id is another flavor's now, so nothing fails but the check).
 */
const warmCache = (world: World, options: { readonly staleFlavor?: boolean } = {}) =>
  Effect.map(world.cloud.seeded, (seeded) =>
    [
      { kind: "image", name: "tiny", id: seeded.images.tiny },
      {
        kind: "flavor",
        name: "m1.tiny",
        id: seeded.flavors[options.staleFlavor === true ? "m1.small" : "m1.tiny"]
      },
      { kind: "network", name: "private", id: seeded.networks["alpha/private"] },
      { kind: "network", name: "backend", id: seeded.networks["alpha/backend"] },
      { kind: "security group", name: "default", id: seeded.securityGroups["alpha/default"] },
      { kind: "external network", name: "public", id: seeded.networks["admin/public"] }
    ].map(({ kind, name, id }) => ({ kind, name, id: id ?? "" }))
  )

/** With names from the cache, confirmNames runs beside the servers once a server's ports are made. */
const withConfirmNames: Checklist = [...checklist, ["confirmNames", ["resolveRequest"]]]

const portsOf = (i: number) => [`server[${i}]/network[0]/createPort`, `server[${i}]/network[1]/createPort`]

/** confirmNames started only once one server's ports were all made. */
const expectConfirmAfterPorts = (writes: ReadonlyArray<TimelineWrite>) => {
  const started = writes.findIndex((w) => w.path === "confirmNames" && w.state === "RUNNING")
  const done = (path: string) =>
    writes.findIndex((w) => w.phase === "run" && w.path === path && w.state === "SUCCEEDED")
  const portsMadeAt = (i: number) => Math.max(...portsOf(i).map(done))
  expect(started).toBeGreaterThan(Math.min(portsMadeAt(0), portsMadeAt(1)))
}

describe("server.create's checklist on the cloud double", () => {
  it.live("a clean run goes down the checklist and builds both servers", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const taskId = crypto.randomUUID()
      const result = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, { taskId, params: request }))
      expectChecklist(yield* writesOf(world, taskId), checklist)

      expect(result.servers.map((s) => s.name)).toEqual(["web-1", "web-2"])
      const seeded = yield* world.cloud.seeded
      for (const server of result.servers) {
        expect(server.volume_id).toBeDefined()
        expect(server.ports.map((p) => [p.network_id, p.created])).toEqual([
          [seeded.networks["alpha/private"], true],
          [seeded.networks["alpha/backend"], true]
        ])
        expect(server.floating_ips.map((ip) => ip.port_id)).toEqual([server.ports[0]?.id])
        expect(server.addresses).toEqual({
          private: [...(server.ports[0]?.fixed_ips ?? []), ...server.floating_ips.map((ip) => ip.address)],
          backend: server.ports[1]?.fixed_ips
        })
      }
      expect(yield* aliceShape(world)).toEqual(built([1, 2]))
    })
  )

  it.live("with a warm NameCache: no look-ups first, and confirmNames confirms the names alongside", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const taskId = crypto.randomUUID()
      const cachedNames = yield* warmCache(world)
      const task = { taskId, params: request }
      yield* succeeded(yield* runToEnd(world, ServerCreate.flow, task, { cachedNames }))
      const writes = yield* writesOf(world, taskId)
      expectChecklist(writes, withConfirmNames)
      expectConfirmAfterPorts(writes)
      // The only name looked up before the servers were started is the keypair's (its state matters);
      // beside it, the quotas: Cinder's and Nova's limits, the user's keypairs (one is imported),
      // Neutron's quota details, the flavor's size.
      const calls = yield* world.cloud.calls
      const firstCreate = calls.findIndex((c) => c.method === "POST" && c.path !== "/auth/tokens")
      expect(
        calls
          .slice(0, firstCreate)
          .filter((c) => c.method === "GET" && c.path !== "/")
          .map((c) => c.path)
          .sort()
      ).toEqual([
        expect.stringMatching(/^\/flavors\//),
        "/limits",
        "/limits",
        "/os-keypairs",
        "/os-keypairs/alice-key",
        expect.stringMatching(/^\/quotas\/\w+\/details$/)
      ])
      expect(yield* aliceShape(world)).toEqual(built([1, 2]))
    })
  )

  it.live("with a stale flavor id in the NameCache: confirmNames fails and everything made is undone", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const taskId = crypto.randomUUID()
      const cachedNames = yield* warmCache(world, { staleFlavor: true })
      const outcome = yield* failed(
        yield* runToEnd(world, ServerCreate.flow, { taskId, params: request }, { cachedNames })
      )
      expect(outcome.error).toMatchObject({ code: "server.request_unresolved", stage: "confirmNames" })
      const writes = yield* writesOf(world, taskId)
      const undone = completionOrder(writes).filter(hasUndo).reverse()
      expect(undoOrder(writes)).toEqual(undone)
      expect(outcome.compensation).toEqual({ compensated: undone, failed: [] })
      expect(yield* aliceShape(world)).toEqual(onlyKeypairs([]))
    })
  )

  it.live("with a warm NameCache, a crash after confirmNames finished, before its outcome was stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const task = { taskId: crypto.randomUUID(), params: request }
      const cachedNames = yield* warmCache(world)
      const crash = { _tag: "OutcomeUnrecorded", path: "confirmNames" } as const
      yield* crashed(yield* runProcess(world, ServerCreate.flow, task, { crash, cachedNames }))
      yield* world.pass(restartDelay)
      // The new process starts with an empty cache, as a restarted worker does.
      const result = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, task))
      expect(yield* aliceShape(world)).toEqual(built([1, 2]))
      yield* deleteServers(
        world,
        result.servers.map((s) => s.id)
      )
      expect(yield* aliceShape(world)).toEqual(onlyKeypairs(built([]).keypairs))
    })
  )

  for (const path of stages) {
    it.live(`a failure at ${path}: the task fails there and undoes, in reverse, all it made`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const taskId = crypto.randomUUID()
        const rule = failureAt[Flow.pathTemplate(path)]?.(taskId, path)
        if (rule === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
        const fault = yield* world.cloud.inject(rule)
        const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, { taskId, params: request }))
        expect(yield* fault.fired).toBe(1)
        expect(outcome.error.stage).toBe(path)

        const writes = yield* writesOf(world, taskId)
        const undone = completionOrder(writes).filter(hasUndo).reverse()
        expect(undoOrder(writes)).toEqual(undone)
        expect(outcome.compensation).toEqual({ compensated: undone, failed: [] })
        expect(yield* aliceShape(world)).toEqual(onlyKeypairs([]))
      })
    )
  }

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: built once, and server.delete leaves nothing`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const taskId = crypto.randomUUID()
        const task = { taskId, params: request }
        yield* crashed(yield* runProcess(world, ServerCreate.flow, task, { crash: crash.at(taskId) }))
        yield* world.pass(restartDelay)

        const result = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, task))
        expect(yield* aliceShape(world)).toEqual(built([1, 2]))
        yield* deleteServers(
          world,
          result.servers.map((s) => s.id)
        )
        expect(yield* aliceShape(world)).toEqual(onlyKeypairs(built([]).keypairs))
      })
    )
  }
})
