/**
 * `server.delete` version 4 on a server with backups, run for real on the cloud double as alice: `web`
 * (booted from a volume) with two backup sets made by `server.backup`. With `delete_backups` the sets go
 * first and then the server with what was made for it; without it the task is refused at `findBackupSets`
 * before anything changes; a failure at each backup stage leaves the server (asking again finishes); a
 * crash at each, then a resume, ends with nothing left.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerBackup, ServerDelete } from "@enamel/domain/flows"
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
import { type Checklist, expectChecklist } from "./timeline.js"
import { buildWeb } from "./volumeFixtures.js"

/** Alice's snapshots' ids (every one, Enamel's or not). */
const snapshotIds = (world: World) =>
  Effect.map(world.cloud.snapshot, (snapshot) => (snapshot.alpha ?? emptyProject).snapshots.map((s) => s.id))

/** `web` with two backup sets; alice's project before `web` was built, and the sets' ids, newest first. */
const setUp = (world: World) =>
  Effect.gen(function* () {
    const before = yield* aliceShape(world)
    const web = yield* buildWeb(world)
    const backup = (name: string) =>
      Effect.flatMap(
        runToEnd(world, ServerBackup.flow, {
          taskId: crypto.randomUUID(),
          params: Schema.decodeUnknownSync(ServerBackup.BackupRequest)({ name, server_id: web.serverId })
        }),
        succeeded
      )
    const older = yield* backup("monday")
    yield* world.pass("1 second")
    const newer = yield* backup("tuesday")
    return { ...web, before, backupIds: [newer.backup_id, older.backup_id] }
  })

const deleteTask = (serverId: string, deleteBackups?: boolean) => ({
  taskId: crypto.randomUUID(),
  params: { server_id: serverId, ...(deleteBackups === undefined ? {} : { delete_backups: deleteBackups }) }
})

const removal: ReadonlyArray<string> = [
  "deleteFloatingIps",
  "deleteServer",
  "waitServerDeleted",
  "deletePorts",
  "waitVolumesDeletable",
  "deleteVolumes",
  "waitVolumesDeleted"
]

/** Each set's snapshots deleted and waited for before the server's own deletions start. */
const checklist: Checklist = [
  ["findOwnedResources", []],
  ["findBackupSets", ["findOwnedResources"]],
  ["backup[0]/deleteSnapshots", ["findBackupSets"]],
  ["backup[0]/waitSnapshotsDeleted", ["backup[0]/deleteSnapshots"]],
  ["backup[1]/deleteSnapshots", ["findBackupSets"]],
  ["backup[1]/waitSnapshotsDeleted", ["backup[1]/deleteSnapshots"]],
  ...removal.map(
    (stage) => [stage, ["backup[0]/waitSnapshotsDeleted", "backup[1]/waitSnapshotsDeleted"]] as const
  )
]

const deleteSnapshotCall: Fault.CallPattern = { service: "cinder", method: "DELETE", path: "/snapshots/*" }

/** A definitive failure at each backup stage (for a wait, once it started), in the cloud's words. */
const failureAt: Record<string, { readonly rule?: Fault.FaultRule; readonly armed?: ArmedFault }> = {
  findBackupSets: {
    rule: { service: "cinder", method: "GET", path: "/snapshots/detail", answer: Fault.status(403) }
  },
  "backup[]/deleteSnapshots": { rule: { ...deleteSnapshotCall, nth: 2, answer: Fault.status(403) } },
  "backup[]/waitSnapshotsDeleted": {
    armed: {
      onStart: "backup[0]/waitSnapshotsDeleted",
      rule: { service: "cinder", method: "GET", path: "/snapshots/*", nth: 1, answer: Fault.status(403) }
    }
  }
}

/** Where the process dies: each backup stage in doubt, and right after a snapshot's delete landed. */
const crashes: ReadonlyArray<CrashCase> = [
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "findBackupSets" })),
  crashCase(() => ({ _tag: "CallLanded", path: "backup[0]/deleteSnapshots", call: deleteSnapshotCall })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "backup[1]/deleteSnapshots" })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "backup[0]/waitSnapshotsDeleted" }))
]

/** Everything gone: no snapshot, and alice's project as it was before `web`. */
const expectAllGone = (world: World, before: Effect.Effect.Success<ReturnType<typeof aliceShape>>) =>
  Effect.gen(function* () {
    expect(yield* snapshotIds(world)).toEqual([])
    expect(yield* aliceShape(world)).toEqual(before)
  })

describe("server.delete version 4 on a server with backups, on the cloud double", () => {
  it.live("with delete_backups: the sets go first, then the server and what was made for it", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = deleteTask(web.serverId, true)
      const result = yield* succeeded(yield* runToEnd(world, ServerDelete.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), checklist)
      expect(result).toMatchObject({
        server_id: web.serverId,
        volume_ids: [web.bootVolumeId],
        backup_ids: web.backupIds
      })
      yield* expectAllGone(world, web.before)
    })
  )

  for (const flag of [undefined, false]) {
    it.live(
      `delete_backups ${String(flag)}: refused at findBackupSets naming the sets; nothing changes`,
      () =>
        Effect.gen(function* () {
          const world = yield* makeWorld()
          const web = yield* setUp(world)
          const shape = yield* aliceShape(world)
          const snapshots = yield* snapshotIds(world)
          const outcome = yield* failed(
            yield* runToEnd(world, ServerDelete.flow, deleteTask(web.serverId, flag))
          )
          expect(outcome.error).toMatchObject({ code: "server.has_backups", stage: "findBackupSets" })
          for (const id of web.backupIds) expect(outcome.error.message).toContain(id)
          expect(yield* aliceShape(world)).toEqual(shape)
          expect(yield* snapshotIds(world)).toEqual(snapshots)
        })
    )
  }

  for (const [path, failure] of Object.entries(failureAt)) {
    it.live(`a failure at ${path}: the server stays; asking again with the flag finishes the job`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const shape = yield* aliceShape(world)
        if (failure.rule !== undefined) yield* world.cloud.inject(failure.rule)
        const task = deleteTask(web.serverId, true)
        const armed = failure.armed === undefined ? [] : [failure.armed]
        const outcome = yield* failed(yield* runToEnd(world, ServerDelete.flow, task, { armed }))
        expect(outcome.error.stage?.replace(/\[\d+\]/g, "[]")).toBe(path)
        expect(outcome.compensation).toEqual({ compensated: [], failed: [] })
        expect(yield* aliceShape(world)).toEqual(shape)

        yield* world.cloud.clearFaults
        yield* succeeded(yield* runToEnd(world, ServerDelete.flow, deleteTask(web.serverId, true)))
        yield* expectAllGone(world, web.before)
      })
    )
  }

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: the sets and the server are gone`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const task = deleteTask(web.serverId, true)
        yield* crashed(yield* runProcess(world, ServerDelete.flow, task, { crash: crash.at(task.taskId) }))
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, ServerDelete.flow, task))
        expect(result.backup_ids).toEqual(web.backupIds)
        yield* expectAllGone(world, web.before)
      })
    )
  }
})
