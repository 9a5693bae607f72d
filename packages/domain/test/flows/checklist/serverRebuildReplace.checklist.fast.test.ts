/**
 * `server.rebuild` version 2 by replacement, run for real on a cloud double whose Nova stops at 2.90 (as
 * Yoga's: no rebuild of a volume-backed server), as alice, on `web`: booted from a volume by server.create,
 * a port on `private` with a floating IP and one on `backend`, and a data volume an attach task made. A
 * clean run (the same ports, floating IP and volume on a new server booted from a new root; the old root
 * deleted, or kept when a backup depends on it; `DELETE /servers/{new id}` then removes everything), a
 * definitive failure at every stage (web as it was, or running again on its old root with its addresses,
 * and nothing else of the task's), and a crash at every stage then a resume that ends as a clean run.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  ServerBackup,
  ServerCreate,
  ServerDelete,
  ServerRebuild,
  ServerVolumeAttach
} from "@enamel/domain/flows"
import { Cinder, Neutron, Nova } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { aliceShape, type CloudShape, onlyKeypairs } from "./cloudShape.js"
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
import { asAlice } from "./volumeFixtures.js"

/** Yoga's newest compute microversion: no rebuild of a volume-backed server, 2.85's delete_on_termination. */
const yoga = 90

const webRequest = (bootVolume: Record<string, unknown> = {}) =>
  Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
    name: "web",
    image: "tiny",
    flavor: "m1.tiny",
    boot_volume: { size_gb: 1, ...bootVolume },
    networks: [{ network: "private", floating_ip: { network: "public" } }, { network: "backend" }],
    metadata: { role: "web" }
  })

const task = <I, II>(schema: Schema.Schema<I, II>, params: Record<string, unknown>) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(schema)(params)
})

/** web with its data volume (and a backup of its root, when asked), and how alice's project then is. */
const setUp = (
  world: World,
  options: { readonly backup?: boolean; readonly bootVolume?: Record<string, unknown> } = {}
) =>
  Effect.gen(function* () {
    const made = yield* succeeded(
      yield* runToEnd(world, ServerCreate.flow, {
        taskId: crypto.randomUUID(),
        params: webRequest(options.bootVolume)
      })
    )
    const web = made.servers[0]
    if (web?.volume_id === undefined) return yield* Effect.dieMessage("web was not built")
    const data = yield* succeeded(
      yield* runToEnd(
        world,
        ServerVolumeAttach.flow,
        task(ServerVolumeAttach.AttachVolumeRequest, { size_gb: 1, name: "data", server_id: web.id })
      )
    )
    if (options.backup === true) {
      yield* succeeded(
        yield* runToEnd(
          world,
          ServerBackup.flow,
          task(ServerBackup.BackupRequest, { name: "nightly", volumes: "boot", server_id: web.id })
        )
      )
    }
    return {
      serverId: web.id,
      bootVolumeId: web.volume_id,
      dataVolumeId: data.volume_id,
      portIds: web.ports.map((p) => p.id),
      baseline: yield* aliceShape(world)
    }
  })

const rebuildTask = (serverId: string) =>
  task(ServerRebuild.RebuildRequest, { image: "tiny", server_id: serverId })

const checklist: Checklist = [
  ["checkRequest", []],
  ["checkVolumeQuota", ["checkRequest"]],
  ["createBootVolume", ["checkVolumeQuota"]],
  ["waitVolumeAvailable", ["createBootVolume"]],
  ["deleteOldServer", ["waitVolumeAvailable"]],
  ["waitServerDeleted", ["deleteOldServer"]],
  ["bootNewServer", ["waitServerDeleted"]],
  ["waitServerActive", ["bootNewServer"]],
  ["remarkResources", ["waitServerActive"]],
  ["deleteOldBootVolume", ["remarkResources"]]
]
const stages = checklist.map(([stage]) => stage)

/**
 * The shape with the mark of the stage that booted a server left out (a server booted again by the undo
 * carries it) and the servers' volumes (the double lists only those of a boot; `attachmentsOf` compares
 * them all, with their devices).
 */
const asBefore = (shape: CloudShape): CloudShape => ({
  ...shape,
  servers: shape.servers.map((line) =>
    line.replace(/,enamel_rebuild_token=\S*/, "").replace(/ volumes=\S*/, "")
  )
})

/** Alice's project once the old root's deletion, which Cinder finishes alone, is over. */
const settledShape = (world: World, oldRoot: string) =>
  Effect.zipRight(asAlice(world, Effect.ignore(Cinder.waitForVolumeDeleted(oldRoot))), aliceShape(world))

/** How web is attached: its ports (in Nova's order), the floating IP on the first, its volumes by device. */
const attachmentsOf = (world: World, serverId: string) =>
  asAlice(
    world,
    Effect.gen(function* () {
      const server = yield* Nova.getServer(serverId)
      const ports = (yield* Nova.listInterfaces(serverId)).map((i) => i.portId)
      const floating = (yield* Neutron.listFloatingIps()).map((ip) => `${ip.floatingIpAddress}@${ip.portId}`)
      const volumes = (yield* Nova.listVolumeAttachments(serverId))
        .map((a) => `${a.device}=${a.volumeId}`)
        .sort()
      return { status: server.status, name: server.name, ports, floating, volumes }
    })
  )

/** For each stage, a definitive failure there (each rule fires once, so the undos are not refused). */
const failureAt: Record<string, { readonly rule?: Fault.FaultRule; readonly armedAt?: string }> = {
  checkRequest: {
    rule: { service: "nova", method: "GET", path: "/servers/*", nth: 1, answer: Fault.status(403) }
  },
  checkVolumeQuota: {},
  createBootVolume: {
    rule: { service: "cinder", method: "POST", path: "/volumes", nth: 1, answer: Fault.status(403) }
  },
  waitVolumeAvailable: {
    rule: {
      service: "cinder",
      method: "POST",
      path: "/volumes",
      nth: 1,
      answer: Fault.errorState("no space left")
    }
  },
  deleteOldServer: {
    rule: { service: "nova", method: "DELETE", path: "/servers/*", nth: 1, answer: Fault.status(403) }
  },
  waitServerDeleted: {
    rule: { service: "nova", method: "GET", path: "/servers/*", nth: 1, answer: Fault.status(403) },
    armedAt: "waitServerDeleted"
  },
  bootNewServer: {
    rule: { service: "nova", method: "POST", path: "/servers", nth: 1, answer: Fault.status(403) }
  },
  waitServerActive: {
    rule: {
      service: "nova",
      method: "POST",
      path: "/servers",
      nth: 1,
      answer: Fault.errorState("No valid host was found.")
    }
  },
  remarkResources: {
    rule: {
      service: "cinder",
      method: "POST",
      path: "/volumes/*/metadata",
      nth: 1,
      answer: Fault.status(403)
    }
  },
  deleteOldBootVolume: {
    rule: { service: "cinder", method: "DELETE", path: "/volumes/*", nth: 1, answer: Fault.status(403) }
  }
}

/** A crash once the stage's call reached the cloud, its answer lost. */
const landed = (path: string, call: Fault.CallPattern & { readonly nth?: number }) =>
  crashCase(() => ({ _tag: "CallLanded", path, call }))

const crashes: ReadonlyArray<CrashCase> = [
  ...stages.map((path) => crashCase(() => ({ _tag: "OutcomeUnrecorded", path }))),
  crashCase(() => ({ _tag: "StageStarted", path: "deleteOldServer" })),
  landed("createBootVolume", { service: "cinder", method: "POST", path: "/volumes" }),
  landed("deleteOldServer", { service: "nova", method: "DELETE", path: "/servers/*" }),
  landed("bootNewServer", { service: "nova", method: "POST", path: "/servers" }),
  landed("remarkResources", { service: "cinder", method: "POST", path: "/volumes/*/metadata" })
]

/** Alice's project after a clean run, the same (names for ids) in every world: computed once. */
let cleanShape: CloudShape | undefined
const cleanRunShape = Effect.suspend(() =>
  cleanShape !== undefined
    ? Effect.succeed(cleanShape)
    : Effect.gen(function* () {
        const world = yield* makeWorld({ computeMaxMicroversion: yoga })
        const web = yield* setUp(world)
        yield* succeeded(yield* runToEnd(world, ServerRebuild.flow, rebuildTask(web.serverId)))
        cleanShape = yield* settledShape(world, web.bootVolumeId)
        return cleanShape
      })
)

describe("server.rebuild version 2 by replacement on a cloud double without Nova 2.93", () => {
  it.live(
    "web replaced: the same ports, floating IP and data volume on a new server from a new root; the old root deleted",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld({ computeMaxMicroversion: yoga })
        const web = yield* setUp(world)
        const before = yield* attachmentsOf(world, web.serverId)
        const rebuild = rebuildTask(web.serverId)
        const result = yield* succeeded(yield* runToEnd(world, ServerRebuild.flow, rebuild))
        expectChecklist(yield* writesOf(world, rebuild.taskId), checklist)
        expect(result).toMatchObject({ path: "replace", previous_server_id: web.serverId })
        expect(result.server_id).not.toBe(web.serverId)
        expect(result.boot_volume_id).not.toBe(web.bootVolumeId)
        expect(result.kept_volume_id).toBeUndefined()
        const after = yield* attachmentsOf(world, result.server_id)
        expect(after).toEqual({
          ...before,
          volumes: [`/dev/vda=${result.boot_volume_id}`, `/dev/vdb=${web.dataVolumeId}`]
        })
        expect(after.ports).toEqual(web.portIds)
        const shape = yield* settledShape(world, web.bootVolumeId)
        expect(
          shape.volumes.some((v) => v.startsWith("web-boot ") && v.includes("enamel_server=<task>"))
        ).toBe(true)
        expect(shape.volumes.length).toBe(2)
        // The new server carries web's marks and metadata (and the mark of the stage that booted it).
        const server = yield* asAlice(world, Nova.getServer(result.server_id))
        const old = web.baseline.servers[0] ?? ""
        expect(old).toContain("metadata=role=web,enamel_token=")
        expect(server.metadata).toMatchObject({
          role: "web",
          enamel_rebuild_token: `enamel-${rebuild.taskId}-bootNewServer`
        })
        // The attach task's mark now names the new server: deleting it removes everything Enamel made.
        yield* succeeded(
          yield* runToEnd(world, ServerDelete.flow, {
            taskId: crypto.randomUUID(),
            params: { server_id: result.server_id }
          })
        )
        expect(yield* aliceShape(world)).toEqual(onlyKeypairs([]))
      })
  )

  it.live("a root with a backup is kept, and said so; the backup follows the server", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ computeMaxMicroversion: yoga })
      const web = yield* setUp(world, { backup: true })
      const result = yield* succeeded(yield* runToEnd(world, ServerRebuild.flow, rebuildTask(web.serverId)))
      expect(result.kept_volume_id).toBe(web.bootVolumeId)
      const kept = yield* asAlice(world, Cinder.getVolume(web.bootVolumeId))
      expect(kept.status).toBe("available")
      const snapshots = yield* asAlice(world, Cinder.listSnapshots({ volumeId: web.bootVolumeId }))
      expect(snapshots.map((s) => s.metadata.enamel_server_id)).toEqual([result.server_id])
    })
  )

  it.live(
    "a root deleted on termination is not deleted with the old server; the new root is, as it was",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld({ computeMaxMicroversion: yoga })
        const web = yield* setUp(world, { bootVolume: { delete_on_termination: true } })
        const result = yield* succeeded(yield* runToEnd(world, ServerRebuild.flow, rebuildTask(web.serverId)))
        const server = yield* asAlice(world, Nova.getServer(result.server_id))
        expect(server.volumesAttached).toContainEqual({
          id: result.boot_volume_id,
          deleteOnTermination: true
        })
        const calls = yield* world.cloud.calls
        expect(
          calls
            .filter((c) => c.method === "PUT" && c.path.includes("os-volume_attachments"))
            .map((c) => c.json)
        ).toEqual([{ volumeAttachment: { volumeId: web.bootVolumeId, delete_on_termination: false } }])
      })
  )

  it.live("before Nova 2.85 such a server is refused at checkRequest, unchanged", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ computeMaxMicroversion: 80 })
      const web = yield* setUp(world, { bootVolume: { delete_on_termination: true } })
      const outcome = yield* failed(yield* runToEnd(world, ServerRebuild.flow, rebuildTask(web.serverId)))
      expect(outcome.error).toMatchObject({
        stage: "checkRequest",
        code: "rebuild.volume_deleted_on_termination"
      })
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  it.live(
    "version 1 of the flow, on such a cloud, fails at checkRequest with server.rebuild_not_offered",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld({ computeMaxMicroversion: yoga })
        const web = yield* setUp(world)
        const outcome = yield* failed(yield* runToEnd(world, ServerRebuild.flowV1, rebuildTask(web.serverId)))
        expect(outcome.error).toMatchObject({ stage: "checkRequest", code: "server.rebuild_not_offered" })
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
  )

  for (const path of stages) {
    it.live(
      `a failure at ${path}: the task fails there; web runs as it was, on its ports and volumes; nothing else is left`,
      () =>
        Effect.gen(function* () {
          const world = yield* makeWorld({ computeMaxMicroversion: yoga })
          const web = yield* setUp(world)
          const before = yield* attachmentsOf(world, web.serverId)
          const failure = failureAt[path]
          if (failure === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
          if (path === "checkVolumeQuota") yield* world.cloud.setQuota("alpha", { volumes: 2 })
          if (failure.rule !== undefined && failure.armedAt === undefined)
            yield* world.cloud.inject(failure.rule)
          const rebuild = rebuildTask(web.serverId)
          const armed =
            failure.rule === undefined || failure.armedAt === undefined
              ? []
              : [{ onStart: failure.armedAt, rule: failure.rule }]
          const outcome = yield* failed(yield* runToEnd(world, ServerRebuild.flow, rebuild, { armed }))
          expect(outcome.error.stage).toBe(path)
          expect(outcome.compensation.failed).toEqual([])
          const undone = undoOrder(yield* writesOf(world, rebuild.taskId))
          const serverGone = stages.indexOf(path) > stages.indexOf("deleteOldServer")
          expect(undone.includes("deleteOldServer")).toBe(serverGone)
          yield* world.cloud.clearFaults
          expect(asBefore(yield* aliceShape(world))).toEqual(asBefore(web.baseline))
          const servers = yield* asAlice(world, Nova.listServers())
          const now = servers[0]
          expect(servers.length).toBe(1)
          if (now === undefined) return
          expect(now.id === web.serverId).toBe(!serverGone)
          expect(yield* attachmentsOf(world, now.id)).toEqual(before)
          // The attach task's mark names the server that runs, so that deleting it removes the volume.
          const data = yield* asAlice(world, Cinder.getVolume(web.dataVolumeId))
          expect(data.metadata.enamel_server).toBe(now.id)
        })
    )
  }

  it.live(
    "a crash while the old root is booted again (its boot landed), then a resume: web runs once, as it was",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld({ computeMaxMicroversion: yoga })
        const web = yield* setUp(world)
        const before = yield* attachmentsOf(world, web.serverId)
        const failure = failureAt.deleteOldBootVolume?.rule
        if (failure === undefined)
          return yield* Effect.dieMessage("no failure declared for deleteOldBootVolume")
        yield* world.cloud.inject(failure)
        const rebuild = rebuildTask(web.serverId)
        // The second server boot of the run is the undo's (the first was bootNewServer's).
        const crash = landed("deleteOldServer", { service: "nova", method: "POST", path: "/servers", nth: 2 })
        yield* crashed(
          yield* runProcess(world, ServerRebuild.flow, rebuild, { crash: crash.at(rebuild.taskId) })
        )
        yield* world.pass(restartDelay)
        const outcome = yield* failed(yield* runToEnd(world, ServerRebuild.flow, rebuild))
        expect(outcome.error.stage).toBe("deleteOldBootVolume")
        expect(outcome.compensation.failed).toEqual([])
        expect(asBefore(yield* aliceShape(world))).toEqual(asBefore(web.baseline))
        const servers = yield* asAlice(world, Nova.listServers())
        expect(servers.length).toBe(1)
        expect(yield* attachmentsOf(world, servers[0]?.id ?? "")).toEqual(before)
      })
  )

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: web replaced once, as by a clean run`, () =>
      Effect.gen(function* () {
        const expected = yield* cleanRunShape

        const world = yield* makeWorld({ computeMaxMicroversion: yoga })
        const web = yield* setUp(world)
        const rebuild = rebuildTask(web.serverId)
        yield* crashed(
          yield* runProcess(world, ServerRebuild.flow, rebuild, { crash: crash.at(rebuild.taskId) })
        )
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, ServerRebuild.flow, rebuild))
        expect(result).toMatchObject({ path: "replace", previous_server_id: web.serverId })
        expect(yield* settledShape(world, web.bootVolumeId)).toEqual(expected)
        expect((yield* attachmentsOf(world, result.server_id)).ports).toEqual(web.portIds)
      })
    )
  }
})
