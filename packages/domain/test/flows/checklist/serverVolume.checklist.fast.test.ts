/**
 * `server.volume.attach` and `server.volume.detach`, run for real on the cloud double as alice, on `web`
 * (made by server.create, booted from a volume): clean runs (a new volume, alice's own volume), a
 * definitive failure at every stage leaving nothing the task made, a crash at every stage then a resume
 * with no duplicate, two attaches at once on one server while Nova answers 409, and `server.delete`
 * (version 3) removing what Enamel attached and keeping what alice brought.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerDelete, ServerVolumeAttach, ServerVolumeDetach } from "@enamel/domain/flows"
import { Cinder } from "@enamel/openstack-clients"
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
import { aliceVolume, asAlice, buildWeb } from "./volumeFixtures.js"

const attachParams = (serverId: string, body: Record<string, unknown>) =>
  Schema.decodeUnknownSync(ServerVolumeAttach.AttachVolumeRequest)({ ...body, server_id: serverId })

const attachTask = (serverId: string, body: Record<string, unknown> = { size_gb: 1 }) => ({
  taskId: crypto.randomUUID(),
  params: attachParams(serverId, body)
})

const detachTask = (serverId: string, volumeId: string) => ({
  taskId: crypto.randomUUID(),
  params: { server_id: serverId, volume_id: volumeId }
})

/** A new volume made for web and attached to it, as alice's project shows it. */
const newVolumeLine =
  "web-volume in-use attached=web " +
  "metadata=enamel_task=<task>,enamel_token=enamel-<task>-createVolume,enamel_server=<task>"

const attachNewChecklist: Checklist = [
  ["checkRequest", []],
  ["createVolume", ["checkRequest"]],
  ["waitVolumeAvailable", ["createVolume"]],
  ["attachVolume", ["waitVolumeAvailable"]],
  ["waitVolumeAttached", ["attachVolume"]]
]
const attachStages = attachNewChecklist.map(([stage]) => stage)

const attachCall: Fault.CallPattern = {
  service: "nova",
  method: "POST",
  path: "/servers/*/os-volume_attachments"
}

/** For each attach stage, a definitive failure at it, in the cloud's own words. */
const attachFailureAt: Record<string, Fault.FaultRule> = {
  checkRequest: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) },
  createVolume: { service: "cinder", method: "POST", path: "/volumes", answer: Fault.overQuota },
  waitVolumeAvailable: {
    service: "cinder",
    method: "POST",
    path: "/volumes",
    answer: Fault.errorState("schedule allocate volume:Could not find any available weighted backend.")
  },
  attachVolume: { ...attachCall, answer: Fault.status(403) },
  waitVolumeAttached: { ...attachCall, answer: Fault.errorState("Connection to the backend was refused.") }
}

/** The undos a failure at each attach stage runs, in order: what the stages before it made. */
const attachUndos: Record<string, ReadonlyArray<string>> = {
  checkRequest: [],
  createVolume: [],
  waitVolumeAvailable: ["createVolume"],
  attachVolume: ["createVolume"],
  waitVolumeAttached: ["attachVolume", "createVolume"]
}

/** Where an attach dies: with each stage in doubt, and right after the stages that make something start. */
const attachCrashes: ReadonlyArray<CrashCase> = [
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "checkRequest" })),
  crashCase(() => ({ _tag: "StageStarted", path: "createVolume" })),
  crashCase(() => ({
    _tag: "CallLanded",
    path: "createVolume",
    call: { service: "cinder", method: "POST", path: "/volumes" }
  })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitVolumeAvailable" })),
  crashCase(() => ({ _tag: "StageStarted", path: "attachVolume" })),
  crashCase(() => ({ _tag: "CallLanded", path: "attachVolume", call: attachCall })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitVolumeAttached" }))
]

/** web, and alice's project as it is with web built (and, if asked, a volume of alice's own). */
const setUp = (world: World, options: { readonly ownVolume?: boolean } = {}) =>
  Effect.gen(function* () {
    const web = yield* buildWeb(world)
    const ownVolumeId = options.ownVolume === true ? yield* aliceVolume(world, "alice-own") : undefined
    return { ...web, ownVolumeId: ownVolumeId ?? "", baseline: yield* aliceShape(world) }
  })

const withVolumes = (
  shape: Effect.Effect.Success<ReturnType<typeof aliceShape>>,
  lines: ReadonlyArray<string>
) => ({
  ...shape,
  volumes: [...shape.volumes, ...lines].sort()
})

describe("server.volume.attach's checklist on the cloud double", () => {
  it.live("a new volume: created, available, attached, in use on web; the result names it", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = attachTask(web.serverId)
      const result = yield* succeeded(yield* runToEnd(world, ServerVolumeAttach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), attachNewChecklist)
      expect(result).toMatchObject({ device: "/dev/vdb", created: true })
      const snapshot = yield* world.cloud.snapshot
      expect(snapshot.alpha?.volumes.find((v) => v.id === result.volume_id)).toMatchObject({
        status: "in-use",
        attachedTo: [web.serverId],
        metadata: { enamel_server: web.serverId, enamel_task: task.taskId }
      })
      expect(yield* aliceShape(world)).toEqual(withVolumes(web.baseline, [newVolumeLine]))
    })
  )

  it.live("alice's own volume: attached as it is, nothing created, nothing marked", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world, { ownVolume: true })
      const task = attachTask(web.serverId, { volume: web.ownVolumeId })
      const result = yield* succeeded(yield* runToEnd(world, ServerVolumeAttach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), [
        ["checkRequest", []],
        ["attachVolume", ["checkRequest"]],
        ["waitVolumeAttached", ["attachVolume"]]
      ])
      expect(result).toEqual({ volume_id: web.ownVolumeId, device: "/dev/vdb", created: false })
      const own = (yield* aliceShape(world)).volumes.filter((line) => line.startsWith("alice-own"))
      expect(own).toEqual(["alice-own in-use attached=web metadata="])
    })
  )

  it.live("a volume from a snapshot of alice's, named, larger: made as asked", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world, { ownVolume: true })
      const snapshot = yield* asAlice(
        world,
        Effect.tap(Cinder.createSnapshot({ volumeId: web.ownVolumeId, name: "snap" }), (made) =>
          Cinder.waitForSnapshotAvailable(made.id)
        )
      )
      const task = attachTask(web.serverId, { size_gb: 2, snapshot: snapshot.id, name: "restored" })
      const result = yield* succeeded(yield* runToEnd(world, ServerVolumeAttach.flow, task))
      const made = (yield* world.cloud.snapshot).alpha?.volumes.find((v) => v.id === result.volume_id)
      expect(made).toMatchObject({ name: "restored", size: 2, status: "in-use", attachedTo: [web.serverId] })
    })
  )

  it.live("names that do not exist: the task fails at checkRequest naming each, and makes nothing", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = attachTask(web.serverId, { size_gb: 1, image: "no-such-image", volume_type: "gold" })
      const outcome = yield* failed(yield* runToEnd(world, ServerVolumeAttach.flow, task))
      expect(outcome.error).toMatchObject({ code: "server.request_unresolved", stage: "checkRequest" })
      expect(outcome.error.message).toContain("image no-such-image not found")
      expect(outcome.error.message).toContain("volume type gold not found")
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  it.live("a server that does not exist, and a volume already in use: refused at checkRequest", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const missing = yield* failed(
        yield* runToEnd(world, ServerVolumeAttach.flow, attachTask(crypto.randomUUID()))
      )
      expect(missing.error).toMatchObject({ code: "server.not_found", stage: "checkRequest" })
      const boot = attachTask(web.serverId, { volume: web.bootVolumeId })
      const inUse = yield* failed(yield* runToEnd(world, ServerVolumeAttach.flow, boot))
      expect(inUse.error).toMatchObject({ code: "volume.not_available", stage: "checkRequest" })
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  for (const path of attachStages) {
    it.live(`a failure at ${path}: the task fails there and leaves nothing it made`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const rule = attachFailureAt[path]
        if (rule === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
        yield* world.cloud.inject(rule)
        const task = attachTask(web.serverId)
        const outcome = yield* failed(yield* runToEnd(world, ServerVolumeAttach.flow, task))
        expect(outcome.error.stage).toBe(path)
        expect(outcome.compensation.failed).toEqual([])
        expect(undoOrder(yield* writesOf(world, task.taskId))).toEqual(attachUndos[path])
        yield* world.cloud.clearFaults
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
    )
  }

  for (const path of ["attachVolume", "waitVolumeAttached"]) {
    it.live(`alice's own volume, a failure at ${path}: detached again and kept as it was`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world, { ownVolume: true })
        const rule = attachFailureAt[path]
        if (rule === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
        yield* world.cloud.inject(rule)
        const task = attachTask(web.serverId, { volume: web.ownVolumeId })
        const outcome = yield* failed(yield* runToEnd(world, ServerVolumeAttach.flow, task))
        expect(outcome.error.stage).toBe(path)
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
    )
  }

  for (const crash of attachCrashes) {
    it.live(`a crash ${crash.name}, then a resume: one volume, attached once`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const task = attachTask(web.serverId)
        yield* crashed(
          yield* runProcess(world, ServerVolumeAttach.flow, task, { crash: crash.at(task.taskId) })
        )
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, ServerVolumeAttach.flow, task))
        expect(result).toMatchObject({ device: "/dev/vdb", created: true })
        expect(yield* aliceShape(world)).toEqual(withVolumes(web.baseline, [newVolumeLine]))
      })
    )
  }

  it.live("two attaches on web at once, while Nova answers 409 to the first tries: both succeed", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world, { ownVolume: true })
      const busy = Fault.status(
        409,
        `Cannot 'attach_volume' instance ${web.serverId} while it is in task_state attaching`
      )
      const first = yield* world.cloud.inject({ ...attachCall, nth: 1, answer: busy })
      const second = yield* world.cloud.inject({ ...attachCall, nth: 2, answer: busy })
      const [made, own] = yield* Effect.all(
        [
          runToEnd(world, ServerVolumeAttach.flow, attachTask(web.serverId)).pipe(Effect.flatMap(succeeded)),
          runToEnd(
            world,
            ServerVolumeAttach.flow,
            attachTask(web.serverId, { volume: web.ownVolumeId })
          ).pipe(Effect.flatMap(succeeded))
        ],
        { concurrency: "unbounded" }
      )
      expect([yield* first.fired, yield* second.fired]).toEqual([1, 1])
      expect(new Set([made.device, own.device]).size).toBe(2)
      const volumes = (yield* aliceShape(world)).volumes
      expect(volumes).toEqual(
        expect.arrayContaining([newVolumeLine, "alice-own in-use attached=web metadata="])
      )
    })
  )
})

const detachChecklist: Checklist = [
  ["checkAttachment", []],
  ["detachVolume", ["checkAttachment"]],
  ["waitVolumeDetached", ["detachVolume"]],
  ["deleteVolume", ["waitVolumeDetached"]],
  ["waitVolumeDeleted", ["deleteVolume"]]
]

/** web with a new volume attached by Enamel and, if asked, alice's own attached too. */
const attached = (world: World, options: { readonly ownVolume?: boolean } = {}) =>
  Effect.gen(function* () {
    const web = yield* setUp(world, options)
    const made = yield* succeeded(yield* runToEnd(world, ServerVolumeAttach.flow, attachTask(web.serverId)))
    if (options.ownVolume === true) {
      yield* succeeded(
        yield* runToEnd(world, ServerVolumeAttach.flow, attachTask(web.serverId, { volume: web.ownVolumeId }))
      )
    }
    return { ...web, madeVolumeId: made.volume_id }
  })

describe("server.volume.detach's checklist on the cloud double", () => {
  it.live("a volume Enamel made for web: detached, then deleted", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* attached(world)
      const task = detachTask(web.serverId, web.madeVolumeId)
      const result = yield* succeeded(yield* runToEnd(world, ServerVolumeDetach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), detachChecklist)
      expect(result).toEqual({ volume_id: web.madeVolumeId, deleted: true })
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  it.live("alice's own volume: detached and kept", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* attached(world, { ownVolume: true })
      const task = detachTask(web.serverId, web.ownVolumeId)
      const result = yield* succeeded(yield* runToEnd(world, ServerVolumeDetach.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), detachChecklist.slice(0, 3))
      expect(result).toEqual({ volume_id: web.ownVolumeId, deleted: false })
      expect(yield* aliceShape(world)).toEqual(
        withVolumes(
          { ...web.baseline, volumes: web.baseline.volumes.filter((v) => !v.startsWith("alice-own")) },
          [newVolumeLine, "alice-own available attached= metadata="]
        )
      )
    })
  )

  it.live("the boot volume is refused, and a volume not attached to web is not found: nothing changes", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* attached(world, { ownVolume: true })
      const before = yield* aliceShape(world)
      const boot = yield* failed(
        yield* runToEnd(world, ServerVolumeDetach.flow, detachTask(web.serverId, web.bootVolumeId))
      )
      expect(boot.error).toMatchObject({ code: "volume.boot_volume", stage: "checkAttachment" })
      expect(boot.error.message).toContain(web.bootVolumeId)
      const other = crypto.randomUUID()
      const missing = yield* failed(
        yield* runToEnd(world, ServerVolumeDetach.flow, detachTask(web.serverId, other))
      )
      expect(missing.error).toMatchObject({ code: "volume.not_attached", stage: "checkAttachment" })
      expect(missing.error.message).toContain(other)
      expect(yield* aliceShape(world)).toEqual(before)
    })
  )

  it.live("a failure at detachVolume changes nothing; asking again finishes the job", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* attached(world)
      const before = yield* aliceShape(world)
      yield* world.cloud.inject({
        service: "nova",
        method: "DELETE",
        path: "/servers/*/os-volume_attachments/*",
        answer: Fault.status(403)
      })
      const outcome = yield* failed(
        yield* runToEnd(world, ServerVolumeDetach.flow, detachTask(web.serverId, web.madeVolumeId))
      )
      expect(outcome.error.stage).toBe("detachVolume")
      expect(yield* aliceShape(world)).toEqual(before)
      yield* world.cloud.clearFaults
      yield* succeeded(
        yield* runToEnd(world, ServerVolumeDetach.flow, detachTask(web.serverId, web.madeVolumeId))
      )
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  for (const crash of [
    crashCase(() => ({
      _tag: "CallLanded",
      path: "detachVolume",
      call: { service: "nova", method: "DELETE", path: "/servers/*/os-volume_attachments/*" }
    })),
    crashCase(() => ({
      _tag: "CallLanded",
      path: "deleteVolume",
      call: { service: "cinder", method: "DELETE", path: "/volumes/*" }
    })),
    crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitVolumeDetached" }))
  ]) {
    it.live(`a crash ${crash.name}, then a resume: the volume is gone`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* attached(world)
        const task = detachTask(web.serverId, web.madeVolumeId)
        yield* crashed(
          yield* runProcess(world, ServerVolumeDetach.flow, task, { crash: crash.at(task.taskId) })
        )
        yield* world.pass(restartDelay)
        expect(yield* succeeded(yield* runToEnd(world, ServerVolumeDetach.flow, task))).toEqual({
          volume_id: web.madeVolumeId,
          deleted: true
        })
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
    )
  }
})

describe("server.delete after attaches, on the cloud double", () => {
  it.live("version 3 removes web, its boot volume and the volume Enamel attached; alice's own is kept", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* attached(world, { ownVolume: true })
      const task = { taskId: crypto.randomUUID(), params: { server_id: web.serverId } }
      const result = yield* succeeded(yield* runToEnd(world, ServerDelete.flow, task))
      expect([...result.volume_ids].sort()).toEqual([web.bootVolumeId, web.madeVolumeId].sort())
      expect(yield* aliceShape(world)).toEqual({
        servers: [],
        volumes: ["alice-own available attached= metadata="],
        ports: [],
        floatingIps: [],
        keypairs: []
      })
    })
  )

  it.live("version 2 (kept for its tasks) would have left the attached volume behind", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* attached(world)
      const task = { taskId: crypto.randomUUID(), params: { server_id: web.serverId } }
      const result = yield* succeeded(yield* runToEnd(world, ServerDelete.flowV2, task))
      expect(result.volume_ids).toEqual([web.bootVolumeId])
      expect((yield* aliceShape(world)).volumes).toEqual([
        "web-volume available attached= metadata=enamel_task=<task>,enamel_token=enamel-<task>-createVolume,enamel_server=<task>"
      ])
    })
  )
})
