/**
 * `server.floating_ip.attach` and `server.floating_ip.detach`, run for real on the cloud double as alice,
 * on `web` (made by server.create, one port on `private`, no floating IP): clean runs, the refusals, a
 * definitive failure at every stage leaving nothing, a crash with the create in doubt then a resume with
 * no duplicate, detach of Enamel's floating IP (released) and of alice's own (kept), and `server.delete`
 * releasing what Enamel attached.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerDelete, ServerFloatingIpAttach, ServerFloatingIpDetach } from "@enamel/domain/flows"
import { Neutron } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { aliceShape } from "./cloudShape.js"
import {
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
import { expectChecklist, undoOrder } from "./timeline.js"
import { asAlice, buildWeb } from "./volumeFixtures.js"

const attachTask = (serverId: string, body: Record<string, unknown> = { network: "public" }) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerFloatingIpAttach.AttachFloatingIpRequest)({
    ...body,
    server_id: serverId
  })
})

const detachTask = (serverId: string, floatingIpId: string) => ({
  taskId: crypto.randomUUID(),
  params: { server_id: serverId, floating_ip_id: floatingIpId }
})

const token = "enamel-<task>-createFloatingIp"
const enamelsLine = `on=web-port0 tags=enamel_task=<task>,enamel_token=${token},enamel_server=<task> description=${token}`

/** web, its port, and alice's project as it is with web built. */
const setUp = (world: World) =>
  Effect.gen(function* () {
    const web = yield* buildWeb(world)
    const ports = yield* asAlice(world, Neutron.listPorts({ deviceId: web.serverId }))
    const portId = ports[0]?.id
    if (portId === undefined) return yield* Effect.dieMessage("web has no port")
    return { ...web, portId, baseline: yield* aliceShape(world) }
  })

/** A floating IP alice takes herself from `public` and puts on web's port (not Enamel's: no marks). */
const aliceFloatingIp = (world: World, portId: string) =>
  asAlice(
    world,
    Effect.gen(function* () {
      const external = yield* Neutron.findNetwork("public")
      const ip = yield* Neutron.createFloatingIp({ networkId: external.id, portId })
      return ip.id
    })
  )

describe("server.floating_ip.attach's checklist on the cloud double", () => {
  it.live("a floating IP from public on web's first port without one, marked for web", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = attachTask(web.serverId)
      const result = yield* succeeded(yield* runToEnd(world, ServerFloatingIpAttach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), [
        ["checkRequest", []],
        ["createFloatingIp", ["checkRequest"]]
      ])
      expect(result.port_id).toBe(web.portId)
      expect(result.address).toMatch(/^172\.24\.4\./)
      expect((yield* aliceShape(world)).floatingIps).toEqual([enamelsLine])
    })
  )

  it.live("every port taken, a port not web's, a network not external: refused at checkRequest", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      yield* succeeded(yield* runToEnd(world, ServerFloatingIpAttach.flow, attachTask(web.serverId)))
      const before = yield* aliceShape(world)
      const taken = yield* failed(
        yield* runToEnd(world, ServerFloatingIpAttach.flow, attachTask(web.serverId))
      )
      expect(taken.error).toMatchObject({ code: "floating_ip.no_free_port", stage: "checkRequest" })
      const stranger = crypto.randomUUID()
      const notWebs = yield* failed(
        yield* runToEnd(
          world,
          ServerFloatingIpAttach.flow,
          attachTask(web.serverId, { network: "public", port: stranger })
        )
      )
      expect(notWebs.error).toMatchObject({ code: "server.request_unresolved", stage: "checkRequest" })
      expect(notWebs.error.message).toContain(stranger)
      const internal = yield* failed(
        yield* runToEnd(world, ServerFloatingIpAttach.flow, attachTask(web.serverId, { network: "private" }))
      )
      expect(internal.error.message).toContain("network private is not external")
      expect(yield* aliceShape(world)).toEqual(before)
    })
  )

  const failures: ReadonlyArray<readonly [string, Fault.FaultRule, ReadonlyArray<string>]> = [
    ["checkRequest", { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) }, []],
    [
      "createFloatingIp",
      { service: "neutron", method: "POST", path: "/floatingips", answer: Fault.overQuota },
      []
    ],
    [
      "createFloatingIp",
      { service: "neutron", method: "PUT", path: "/floatingips/*/tags", answer: Fault.status(403) },
      []
    ]
  ]
  for (const [path, rule, undos] of failures) {
    it.live(`a failure at ${path} (${rule.method} ${String(rule.path)}): nothing is left`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        yield* world.cloud.inject(rule)
        const task = attachTask(web.serverId)
        const outcome = yield* failed(yield* runToEnd(world, ServerFloatingIpAttach.flow, task))
        expect(outcome.error.stage).toBe(path)
        expect(undoOrder(yield* writesOf(world, task.taskId))).toEqual(undos)
        yield* world.cloud.clearFaults
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
    )
  }

  for (const crash of [
    crashCase(() => ({ _tag: "StageStarted", path: "createFloatingIp" })),
    crashCase(() => ({
      _tag: "CallLanded",
      path: "createFloatingIp",
      call: { service: "neutron", method: "POST", path: "/floatingips" }
    })),
    crashCase(() => ({
      _tag: "CallLanded",
      path: "createFloatingIp",
      call: { service: "neutron", method: "PUT", path: "/floatingips/*/tags" }
    }))
  ]) {
    it.live(`a crash ${crash.name}, then a resume: one floating IP`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const task = attachTask(web.serverId)
        yield* crashed(
          yield* runProcess(world, ServerFloatingIpAttach.flow, task, { crash: crash.at(task.taskId) })
        )
        yield* world.pass(restartDelay)
        yield* succeeded(yield* runToEnd(world, ServerFloatingIpAttach.flow, task))
        expect((yield* aliceShape(world)).floatingIps).toEqual([enamelsLine])
      })
    )
  }
})

describe("server.floating_ip.detach's checklist on the cloud double", () => {
  it.live("Enamel's floating IP: taken off the port and released", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const made = yield* succeeded(
        yield* runToEnd(world, ServerFloatingIpAttach.flow, attachTask(web.serverId))
      )
      const task = detachTask(web.serverId, made.floating_ip_id)
      const result = yield* succeeded(yield* runToEnd(world, ServerFloatingIpDetach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), [
        ["checkFloatingIp", []],
        ["disassociateFloatingIp", ["checkFloatingIp"]],
        ["releaseFloatingIp", ["disassociateFloatingIp"]]
      ])
      expect(result).toEqual({ floating_ip_id: made.floating_ip_id, deleted: true })
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  it.live("alice's own floating IP: taken off the port and kept; one not on web is not found", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const own = yield* aliceFloatingIp(world, web.portId)
      const result = yield* succeeded(
        yield* runToEnd(world, ServerFloatingIpDetach.flow, detachTask(web.serverId, own))
      )
      expect(result).toEqual({ floating_ip_id: own, deleted: false })
      expect((yield* aliceShape(world)).floatingIps).toEqual(["on=- tags= description="])
      const again = yield* failed(
        yield* runToEnd(world, ServerFloatingIpDetach.flow, detachTask(web.serverId, own))
      )
      expect(again.error).toMatchObject({ code: "floating_ip.not_attached", stage: "checkFloatingIp" })
      expect(again.error.message).toContain(own)
    })
  )

  it.live("server.delete (version 3) releases the floating IP Enamel attached to web", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const made = yield* succeeded(
        yield* runToEnd(world, ServerFloatingIpAttach.flow, attachTask(web.serverId))
      )
      const result = yield* succeeded(
        yield* runToEnd(world, ServerDelete.flow, {
          taskId: crypto.randomUUID(),
          params: { server_id: web.serverId }
        })
      )
      expect(result.floating_ip_ids).toEqual([made.floating_ip_id])
      expect((yield* aliceShape(world)).floatingIps).toEqual([])
    })
  )
})
