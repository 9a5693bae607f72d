/**
 * `server.backup` and `server.backup.delete`, run for real on the cloud double as alice, on `web` (made by
 * server.create, booted from a volume) with a second volume attached by server.volume.attach: clean runs
 * (every volume, the boot volume only), refusals (no boot volume, over quota), a definitive failure at
 * every stage leaving no snapshot the task made, a crash at every stage then a resume with no duplicate,
 * and a rotation that keeps exactly N sets.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerBackup, ServerBackupDelete, ServerCreate, ServerVolumeAttach } from "@enamel/domain/flows"
import { emptyProject, Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { aliceShape } from "./cloudShape.js"
import {
  type ArmedFault,
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
import { buildWeb } from "./volumeFixtures.js"

const backupTask = (serverId: string, body: Record<string, unknown> = { name: "nightly" }) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerBackup.BackupRequest)({ ...body, server_id: serverId })
})

const deleteTask = (serverId: string, backupId: string) => ({
  taskId: crypto.randomUUID(),
  params: { server_id: serverId, backup_id: backupId }
})

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/**
 * Alice's snapshots as lines, by name, the volume's name and the marks (ids left out), so that a clean
 * run and one that crashed and resumed compare line by line: a duplicate shows as an extra line.
 */
const snapshotLines = (world: World) =>
  Effect.map(world.cloud.snapshot, (snapshot) => {
    const project = snapshot.alpha ?? emptyProject
    const volumeName = (id: string) => project.volumes.find((v) => v.id === id)?.name ?? "gone"
    return project.snapshots
      .map(
        (s) =>
          `${s.name ?? "-"} ${s.status} of=${volumeName(s.volumeId)} ` +
          Object.entries(s.metadata)
            .map(([k, v]) => `${k}=${v.replace(uuid, "<id>").replace(isoTime, "<time>")}`)
            .join(",")
      )
      .sort()
  })

/** The lines of one set's snapshots made by `createSnapshots`, for web's boot volume and its data volume. */
const setLines = (name: string, volumes: ReadonlyArray<"boot" | "data"> = ["boot", "data"]) =>
  volumes
    .map((volume) => {
      const [of, device] = volume === "boot" ? ["web-boot", "/dev/vda"] : ["web-volume", "/dev/vdb"]
      return (
        `${name} available of=${of} enamel_task=<id>,enamel_token=enamel-<id>-createSnapshots,` +
        `enamel_server_id=<id>,enamel_backup_id=<id>,enamel_device=${device},enamel_backup_at=<time>`
      )
    })
    .sort()

/** The snapshot ids of each backup set in alice's project, by backup id. */
const setsInCloud = (world: World) =>
  Effect.map(world.cloud.snapshot, (snapshot) => {
    const sets = new Map<string, Array<string>>()
    for (const s of (snapshot.alpha ?? emptyProject).snapshots) {
      const id = s.metadata.enamel_backup_id
      if (id !== undefined) sets.set(id, [...(sets.get(id) ?? []), s.id])
    }
    return sets
  })

/** web with a second volume attached by Enamel; alice's project as it then is. */
const setUp = (world: World) =>
  Effect.gen(function* () {
    const web = yield* buildWeb(world)
    const attach = {
      taskId: crypto.randomUUID(),
      params: Schema.decodeUnknownSync(ServerVolumeAttach.AttachVolumeRequest)({
        size_gb: 1,
        server_id: web.serverId
      })
    }
    const data = yield* succeeded(yield* runToEnd(world, ServerVolumeAttach.flow, attach))
    return { ...web, dataVolumeId: data.volume_id, baseline: yield* aliceShape(world) }
  })

/** A backup made and finished, as a later test's starting point. */
const backedUp = (world: World, serverId: string, body?: Record<string, unknown>) =>
  Effect.flatMap(runToEnd(world, ServerBackup.flow, backupTask(serverId, body)), succeeded)

const backupChecklist: Checklist = [
  ["chooseVolumes", []],
  ["createSnapshots", ["chooseVolumes"]],
  ["waitSnapshotsAvailable", ["createSnapshots"]]
]

const rotationChecklist: Checklist = [
  ...backupChecklist,
  ["findExpiredBackups", ["waitSnapshotsAvailable"]],
  ["rotateBackups", ["findExpiredBackups"]],
  ["waitBackupsDeleted", ["rotateBackups"]]
]
const backupStages = rotationChecklist.map(([stage]) => stage)

const createSnapshotCall: Fault.CallPattern = { service: "cinder", method: "POST", path: "/snapshots" }
const deleteSnapshotCall: Fault.CallPattern = { service: "cinder", method: "DELETE", path: "/snapshots/*" }

/** The rotation's own look at the server's sets (the undos look by the stage's token instead). */
const rotationList: Fault.CallPattern = {
  service: "cinder",
  method: "GET",
  path: "/snapshots/detail",
  where: (call) => (call.query.metadata ?? "").includes("enamel_server_id")
}

interface FailureAt {
  readonly rule?: Fault.FaultRule
  readonly armed?: ArmedFault
}

/** For each backup stage, a definitive failure at it, in the cloud's own words. */
const backupFailureAt: Record<string, FailureAt> = {
  chooseVolumes: { rule: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) } },
  // The second snapshot is refused: the first, made already, is deleted before the stage fails.
  createSnapshots: { rule: { ...createSnapshotCall, nth: 2, answer: Fault.overQuota } },
  waitSnapshotsAvailable: {
    rule: {
      ...createSnapshotCall,
      nth: 1,
      answer: Fault.errorState("Snapshot creation failed on the backend.")
    }
  },
  findExpiredBackups: { rule: { ...rotationList, answer: Fault.status(403) } },
  rotateBackups: { rule: { ...deleteSnapshotCall, nth: 1, answer: Fault.status(403) } },
  waitBackupsDeleted: {
    armed: {
      onStart: "waitBackupsDeleted",
      rule: { service: "cinder", method: "GET", path: "/snapshots/*", nth: 1, answer: Fault.status(403) }
    }
  }
}

/** The undos a failure at each backup stage runs, in order: the new set is deleted once it exists. */
const backupUndos: Record<string, ReadonlyArray<string>> = {
  chooseVolumes: [],
  createSnapshots: [],
  waitSnapshotsAvailable: ["createSnapshots"],
  findExpiredBackups: ["createSnapshots"],
  rotateBackups: ["createSnapshots"],
  waitBackupsDeleted: ["createSnapshots"]
}

/** Where a backup with rotation 1 dies: with each stage in doubt, and right after each change landed. */
const backupCrashes: ReadonlyArray<CrashCase> = [
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "chooseVolumes" })),
  crashCase(() => ({ _tag: "StageStarted", path: "createSnapshots" })),
  crashCase(() => ({ _tag: "CallLanded", path: "createSnapshots", call: { ...createSnapshotCall, nth: 1 } })),
  crashCase(() => ({ _tag: "CallLanded", path: "createSnapshots", call: { ...createSnapshotCall, nth: 2 } })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "createSnapshots" })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitSnapshotsAvailable" })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "findExpiredBackups" })),
  crashCase(() => ({ _tag: "CallLanded", path: "rotateBackups", call: { ...deleteSnapshotCall, nth: 1 } })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "rotateBackups" })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitBackupsDeleted" }))
]

describe("server.backup's checklist on the cloud double", () => {
  it.live("every volume: a snapshot of each, available, marked as one set; the result names them", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = backupTask(web.serverId)
      const result = yield* succeeded(yield* runToEnd(world, ServerBackup.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), backupChecklist)
      expect(result.backup_id).toBe(task.taskId)
      expect(result.deleted).toEqual([])
      expect([...result.snapshots].sort((a, b) => (a.device ?? "").localeCompare(b.device ?? ""))).toEqual([
        { volume_id: web.bootVolumeId, snapshot_id: expect.any(String), device: "/dev/vda" },
        { volume_id: web.dataVolumeId, snapshot_id: expect.any(String), device: "/dev/vdb" }
      ])
      expect(yield* snapshotLines(world)).toEqual(setLines("nightly"))
      const sets = yield* setsInCloud(world)
      expect([...sets.keys()]).toEqual([task.taskId])
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  it.live('"boot": a snapshot of the boot volume only', () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const result = yield* backedUp(world, web.serverId, { name: "root", volumes: "boot" })
      expect(result.snapshots).toEqual([
        { volume_id: web.bootVolumeId, snapshot_id: expect.any(String), device: "/dev/vda" }
      ])
      expect(yield* snapshotLines(world)).toEqual(setLines("root", ["boot"]))
    })
  )

  it.live('"boot" on a server booted from an image: refused at chooseVolumes, nothing made', () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* succeeded(
        yield* runToEnd(world, ServerCreate.flow, {
          taskId: crypto.randomUUID(),
          params: Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
            name: "plain",
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: "private" }]
          })
        })
      )
      const serverId = made.servers[0]?.id ?? ""
      const boot = yield* failed(
        yield* runToEnd(world, ServerBackup.flow, backupTask(serverId, { name: "root", volumes: "boot" }))
      )
      expect(boot.error).toMatchObject({ code: "backup.no_volume", stage: "chooseVolumes" })
      expect(boot.error.message).toContain("no boot volume")
      const all = yield* failed(yield* runToEnd(world, ServerBackup.flow, backupTask(serverId)))
      expect(all.error).toMatchObject({ code: "backup.no_volume", stage: "chooseVolumes" })
      expect(yield* snapshotLines(world)).toEqual([])
    })
  )

  it.live("a snapshot quota too small for the set: refused at chooseVolumes naming it, nothing made", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      yield* world.cloud.setQuota("alpha", { snapshots: 1 })
      const outcome = yield* failed(yield* runToEnd(world, ServerBackup.flow, backupTask(web.serverId)))
      expect(outcome.error).toMatchObject({ code: "backup.over_quota", stage: "chooseVolumes" })
      expect(outcome.error.message).toContain("quota snapshots exceeded")
      expect(yield* snapshotLines(world)).toEqual([])
    })
  )

  it.live("three backups with rotation 2: the newest two sets are kept, the oldest deleted", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const first = yield* backedUp(world, web.serverId, { name: "one", rotation: 2 })
      yield* world.pass("1 second")
      const second = yield* backedUp(world, web.serverId, { name: "two", rotation: 2 })
      yield* world.pass("1 second")
      const task = backupTask(web.serverId, { name: "three", rotation: 2 })
      const third = yield* succeeded(yield* runToEnd(world, ServerBackup.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), rotationChecklist)
      expect(second.deleted).toEqual([])
      expect(third.deleted).toEqual([first.backup_id])
      expect([...(yield* setsInCloud(world)).keys()].sort()).toEqual(
        [second.backup_id, third.backup_id].sort()
      )
      expect(yield* snapshotLines(world)).toEqual([...setLines("three"), ...setLines("two")].sort())
    })
  )

  for (const path of backupStages) {
    it.live(`a failure at ${path}: the task fails there and leaves no snapshot it made`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const earlier = yield* backedUp(world, web.serverId, { name: "earlier" })
        yield* world.pass("1 second")
        const failure = backupFailureAt[path]
        if (failure === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
        if (failure.rule !== undefined) yield* world.cloud.inject(failure.rule)
        const task = backupTask(web.serverId, { name: "nightly", rotation: 1 })
        const end = yield* runProcess(world, ServerBackup.flow, task, {
          armed: failure.armed === undefined ? [] : [failure.armed]
        })
        if (end._tag !== "Ended") return yield* Effect.dieMessage("the process crashed")
        const outcome = yield* failed(end.outcome)
        expect(outcome.error.stage).toBe(path)
        expect(outcome.compensation.failed).toEqual([])
        expect(undoOrder(yield* writesOf(world, task.taskId))).toEqual(backupUndos[path])
        yield* world.cloud.clearFaults
        const sets = yield* setsInCloud(world)
        expect(sets.has(task.taskId)).toBe(false)
        // The rotation is not undone: the earlier set is kept only when the rotation did not reach it.
        const rotated = path === "rotateBackups" || path === "waitBackupsDeleted"
        expect(sets.has(earlier.backup_id)).toBe(!rotated || path === "rotateBackups")
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
    )
  }

  for (const crash of backupCrashes) {
    it.live(`a crash ${crash.name}, then a resume: one new set, the older one rotated away`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const earlier = yield* backedUp(world, web.serverId, { name: "earlier" })
        yield* world.pass("1 second")
        const task = backupTask(web.serverId, { name: "nightly", rotation: 1 })
        yield* crashed(yield* runProcess(world, ServerBackup.flow, task, { crash: crash.at(task.taskId) }))
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, ServerBackup.flow, task))
        expect(result.deleted).toEqual([earlier.backup_id])
        expect(result.snapshots).toHaveLength(2)
        expect([...(yield* setsInCloud(world)).keys()]).toEqual([task.taskId])
        expect(yield* snapshotLines(world)).toEqual(setLines("nightly"))
      })
    )
  }
})

const deleteChecklist: Checklist = [
  ["findBackup", []],
  ["deleteSnapshots", ["findBackup"]],
  ["waitSnapshotsDeleted", ["deleteSnapshots"]]
]

describe("server.backup.delete's checklist on the cloud double", () => {
  it.live("a set of web's: its snapshots deleted and gone; another set is kept", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const kept = yield* backedUp(world, web.serverId, { name: "kept" })
      const gone = yield* backedUp(world, web.serverId, { name: "gone" })
      const task = deleteTask(web.serverId, gone.backup_id)
      const result = yield* succeeded(yield* runToEnd(world, ServerBackupDelete.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), deleteChecklist)
      expect(result.backup_id).toBe(gone.backup_id)
      expect([...result.snapshot_ids].sort()).toEqual(gone.snapshots.map((s) => s.snapshot_id).sort())
      expect([...(yield* setsInCloud(world)).keys()]).toEqual([kept.backup_id])
      expect(yield* snapshotLines(world)).toEqual(setLines("kept"))
    })
  )

  it.live("a backup web does not have, and a server that does not exist: refused at findBackup", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const other = crypto.randomUUID()
      const missing = yield* failed(
        yield* runToEnd(world, ServerBackupDelete.flow, deleteTask(web.serverId, other))
      )
      expect(missing.error).toMatchObject({ code: "backup.not_found", stage: "findBackup" })
      expect(missing.error.message).toContain(other)
      const noServer = yield* failed(
        yield* runToEnd(world, ServerBackupDelete.flow, deleteTask(other, other))
      )
      expect(noServer.error).toMatchObject({ code: "server.not_found", stage: "findBackup" })
    })
  )

  it.live("a failure at deleteSnapshots changes nothing; asking again finishes the job", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const set = yield* backedUp(world, web.serverId)
      yield* world.cloud.inject({ ...deleteSnapshotCall, answer: Fault.status(403) })
      const outcome = yield* failed(
        yield* runToEnd(world, ServerBackupDelete.flow, deleteTask(web.serverId, set.backup_id))
      )
      expect(outcome.error.stage).toBe("deleteSnapshots")
      expect(yield* snapshotLines(world)).toEqual(setLines("nightly"))
      yield* world.cloud.clearFaults
      yield* succeeded(
        yield* runToEnd(world, ServerBackupDelete.flow, deleteTask(web.serverId, set.backup_id))
      )
      expect(yield* snapshotLines(world)).toEqual([])
    })
  )

  for (const crash of [
    crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "findBackup" })),
    crashCase(() => ({
      _tag: "CallLanded",
      path: "deleteSnapshots",
      call: { ...deleteSnapshotCall, nth: 1 }
    })),
    crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "deleteSnapshots" })),
    crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitSnapshotsDeleted" }))
  ]) {
    it.live(`a crash ${crash.name}, then a resume: the set is gone`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const set = yield* backedUp(world, web.serverId)
        const task = deleteTask(web.serverId, set.backup_id)
        yield* crashed(
          yield* runProcess(world, ServerBackupDelete.flow, task, { crash: crash.at(task.taskId) })
        )
        yield* world.pass(restartDelay)
        yield* succeeded(yield* runToEnd(world, ServerBackupDelete.flow, task))
        expect(yield* snapshotLines(world)).toEqual([])
        expect(yield* aliceShape(world)).toEqual(web.baseline)
      })
    )
  }
})
