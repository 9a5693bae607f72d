/**
 * `server.interface.attach` and `server.interface.detach`, run for real on the cloud double as alice, on
 * `web` (made by server.create, one port on `private`): clean runs (a new port with a floating IP, alice's
 * own port), a definitive failure at every stage leaving nothing the task made, a crash with each create
 * in doubt then a resume with no duplicate, two attaches at once while Nova answers 409, detach of
 * Enamel's port (deleted, its floating IP released) and of alice's (kept), and `server.delete` removing
 * what Enamel attached while keeping alice's port.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerDelete, ServerInterfaceAttach, ServerInterfaceDetach } from "@enamel/domain/flows"
import { Neutron } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { aliceShape } from "./cloudShape.js"
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
import { type Checklist, expectChecklist, undoOrder } from "./timeline.js"
import { asAlice, buildWeb } from "./volumeFixtures.js"

const attachTask = (serverId: string, body: Record<string, unknown>) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerInterfaceAttach.AttachInterfaceRequest)({
    ...body,
    server_id: serverId
  })
})

const detachTask = (serverId: string, portId: string) => ({
  taskId: crypto.randomUUID(),
  params: { server_id: serverId, port_id: portId }
})

const withFloatingIp = {
  network: "backend",
  security_groups: ["default"],
  floating_ip: { network: "public" }
}

const checklist: Checklist = [
  ["checkRequest", []],
  ["createPort", ["checkRequest"]],
  ["attachInterface", ["createPort"]],
  ["createFloatingIp", ["attachInterface"]]
]
const stages = checklist.map(([stage]) => stage)

const interfaceCall: Fault.CallPattern = { service: "nova", method: "POST", path: "/servers/*/os-interface" }

const failureAt: Record<string, readonly [Fault.FaultRule, ReadonlyArray<string>]> = {
  checkRequest: [{ service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) }, []],
  createPort: [{ service: "neutron", method: "POST", path: "/ports", answer: Fault.overQuota }, []],
  attachInterface: [{ ...interfaceCall, answer: Fault.status(403) }, ["createPort"]],
  createFloatingIp: [
    { service: "neutron", method: "POST", path: "/floatingips", answer: Fault.overQuota },
    ["attachInterface", "createPort"]
  ]
}

const crashes: ReadonlyArray<CrashCase> = [
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "checkRequest" })),
  crashCase(() => ({
    _tag: "CallLanded",
    path: "createPort",
    call: { service: "neutron", method: "POST", path: "/ports" }
  })),
  crashCase(() => ({ _tag: "StageStarted", path: "attachInterface" })),
  crashCase(() => ({ _tag: "CallLanded", path: "attachInterface", call: interfaceCall })),
  crashCase(() => ({
    _tag: "CallLanded",
    path: "createFloatingIp",
    call: { service: "neutron", method: "POST", path: "/floatingips" }
  }))
]

/** web, and alice's project as it is with web built. */
const setUp = (world: World) =>
  Effect.gen(function* () {
    const web = yield* buildWeb(world)
    return { ...web, baseline: yield* aliceShape(world) }
  })

/** What alice's project shows of the new port and its floating IP (by `portName`). */
const madeLines = (portName: string) => ({
  port: `${portName} backend ACTIVE on=web ips=1 tags=enamel_task=<task>,enamel_token=enamel-<task>-createPort,enamel_server=<task>`,
  floatingIp: `on=${portName} tags=enamel_task=<task>,enamel_token=enamel-<task>-createFloatingIp,enamel_server=<task> description=enamel-<task>-createFloatingIp`
})

const portNameOf = (taskId: string) => `web-port-${taskId.slice(0, 8)}`

/** A port alice makes herself on `backend` (not Enamel's: no marks). */
const alicePort = (world: World) =>
  asAlice(
    world,
    Effect.gen(function* () {
      const backend = yield* Neutron.findNetwork("backend")
      return (yield* Neutron.createPort({ networkId: backend.id, name: "alice-port" })).id
    })
  )

describe("server.interface.attach's checklist on the cloud double", () => {
  it.live("a new port on backend with a floating IP: made, attached to web, marked for web", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = attachTask(web.serverId, withFloatingIp)
      const result = yield* succeeded(yield* runToEnd(world, ServerInterfaceAttach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), checklist)
      expect(result.created).toBe(true)
      expect(result.fixed_ips[0]).toMatch(/^10\.0\.3\./)
      expect(result.floating_ip?.address).toMatch(/^172\.24\.4\./)
      const shape = yield* aliceShape(world)
      const lines = madeLines(portNameOf(task.taskId))
      expect(shape.ports).toEqual([...web.baseline.ports, lines.port].sort())
      expect(shape.floatingIps).toEqual([lines.floatingIp])
    })
  )

  it.live("alice's own port: attached as it is, nothing created, nothing marked", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const portId = yield* alicePort(world)
      const result = yield* succeeded(
        yield* runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, { port: portId }))
      )
      expect(result).toMatchObject({ port_id: portId, created: false })
      expect((yield* aliceShape(world)).ports).toContain("alice-port backend ACTIVE on=web ips=1 tags=")
    })
  )

  it.live("names that do not exist, and a port in use: refused at checkRequest, nothing made", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const unresolved = yield* failed(
        yield* runToEnd(
          world,
          ServerInterfaceAttach.flow,
          attachTask(web.serverId, { network: "nowhere", floating_ip: { network: "private" } })
        )
      )
      expect(unresolved.error).toMatchObject({ code: "server.request_unresolved", stage: "checkRequest" })
      expect(unresolved.error.message).toContain("network nowhere not found")
      expect(unresolved.error.message).toContain("network private is not external")
      const webPort = (yield* asAlice(world, Neutron.listPorts({ deviceId: web.serverId })))[0]?.id ?? ""
      const inUse = yield* failed(
        yield* runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, { port: webPort }))
      )
      expect(inUse.error.message).toContain(`port ${webPort} is in use`)
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  for (const path of stages) {
    it.live(`a failure at ${path}: the task fails there and leaves nothing it made`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const [rule, undos] = failureAt[path] ?? [undefined, []]
        if (rule === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
        yield* world.cloud.inject(rule)
        const task = attachTask(web.serverId, withFloatingIp)
        const outcome = yield* failed(yield* runToEnd(world, ServerInterfaceAttach.flow, task))
        expect(outcome.error.stage).toBe(path)
        expect(outcome.compensation.failed).toEqual([])
        expect(undoOrder(yield* writesOf(world, task.taskId))).toEqual(undos)
        yield* world.cloud.clearFaults
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
    )
  }

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: one port, one floating IP`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const task = attachTask(web.serverId, withFloatingIp)
        yield* crashed(
          yield* runProcess(world, ServerInterfaceAttach.flow, task, { crash: crash.at(task.taskId) })
        )
        yield* world.pass(restartDelay)
        yield* succeeded(yield* runToEnd(world, ServerInterfaceAttach.flow, task))
        const shape = yield* aliceShape(world)
        const lines = madeLines(portNameOf(task.taskId))
        expect(shape.ports).toEqual([...web.baseline.ports, lines.port].sort())
        expect(shape.floatingIps).toEqual([lines.floatingIp])
      })
    )
  }

  it.live("two attaches on web at once, while Nova answers 409 to the first tries: both succeed", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const portId = yield* alicePort(world)
      const busy = Fault.status(
        409,
        `Cannot 'attach_interface' instance ${web.serverId} while it is in task_state interface_attaching`
      )
      const first = yield* world.cloud.inject({ ...interfaceCall, nth: 1, answer: busy })
      const second = yield* world.cloud.inject({ ...interfaceCall, nth: 2, answer: busy })
      const [made, own] = yield* Effect.all(
        [
          runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, { network: "backend" })).pipe(
            Effect.flatMap(succeeded)
          ),
          runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, { port: portId })).pipe(
            Effect.flatMap(succeeded)
          )
        ],
        { concurrency: "unbounded" }
      )
      expect([yield* first.fired, yield* second.fired]).toEqual([1, 1])
      const onWeb = (yield* asAlice(world, Neutron.listPorts({ deviceId: web.serverId }))).map((p) => p.id)
      expect(onWeb).toEqual(expect.arrayContaining([made.port_id, own.port_id]))
    })
  )
})

describe("server.interface.detach's checklist on the cloud double", () => {
  it.live("Enamel's port: its floating IP released, detached, deleted", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const made = yield* succeeded(
        yield* runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, withFloatingIp))
      )
      const task = detachTask(web.serverId, made.port_id)
      const result = yield* succeeded(yield* runToEnd(world, ServerInterfaceDetach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), [
        ["checkInterface", []],
        ["letGoOfFloatingIps", ["checkInterface"]],
        ["detachInterface", ["letGoOfFloatingIps"]],
        ["waitInterfaceDetached", ["detachInterface"]],
        ["deletePort", ["waitInterfaceDetached"]]
      ])
      expect(result).toEqual({
        port_id: made.port_id,
        deleted: true,
        released_floating_ip_ids: [made.floating_ip?.id]
      })
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  it.live("alice's own port: detached and kept; one not attached to web is not found", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const portId = yield* alicePort(world)
      yield* succeeded(
        yield* runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, { port: portId }))
      )
      const result = yield* succeeded(
        yield* runToEnd(world, ServerInterfaceDetach.flow, detachTask(web.serverId, portId))
      )
      expect(result).toEqual({ port_id: portId, deleted: false, released_floating_ip_ids: [] })
      expect((yield* aliceShape(world)).ports).toContain("alice-port backend DOWN on=- ips=1 tags=")
      const again = yield* failed(
        yield* runToEnd(world, ServerInterfaceDetach.flow, detachTask(web.serverId, portId))
      )
      expect(again.error).toMatchObject({ code: "port.not_attached", stage: "checkInterface" })
      expect(again.error.message).toContain(portId)
    })
  )

  it.live("server.delete removes the port and floating IP Enamel attached; alice's port is kept", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const portId = yield* alicePort(world)
      yield* succeeded(
        yield* runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, withFloatingIp))
      )
      yield* succeeded(
        yield* runToEnd(world, ServerInterfaceAttach.flow, attachTask(web.serverId, { port: portId }))
      )
      yield* succeeded(
        yield* runToEnd(world, ServerDelete.flow, {
          taskId: crypto.randomUUID(),
          params: { server_id: web.serverId }
        })
      )
      const shape = yield* aliceShape(world)
      expect(shape.ports).toEqual(["alice-port backend DOWN on=- ips=1 tags="])
      expect(shape.floatingIps).toEqual([])
      expect(shape.servers).toEqual([])
    })
  )
})
