/**
 * `server.backup` and `server.backup.delete` against the real dev cloud, checked in Cinder itself: on a
 * server booted from a volume with a second volume attached, two backups with rotation 1 leave exactly
 * one set whose snapshots are available; a volume restored from one of its snapshots (server.volume.attach
 * with `snapshot`) attaches; deleting the set leaves none of its snapshots; and a failure injected at
 * `createSnapshots` or `waitSnapshotsAvailable` leaves no snapshot of the task.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import { taskKey } from "../../src/flows/cloud/marks.js"
import * as ServerBackup from "../../src/flows/server-backup/index.js"
import * as ServerBackupDelete from "../../src/flows/server-backup-delete/index.js"
import * as ServerBackupList from "../../src/flows/server-backup-list/index.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import * as ServerVolumeAttach from "../../src/flows/server-volume-attach/index.js"
import { uuid, volumeParams } from "./support/attach.js"
import {
  aliceCloud,
  createRequest,
  type Fault,
  faultyCloud,
  newTask,
  serverSnapshots,
  serverSnapshotsCleanUp,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { failed, succeeded } from "./support/expectations.js"

/** A server booted from a 1 GiB volume with a second volume attached; its backups removed when the test ends. */
const aServerWithVolumes = Effect.gen(function* () {
  const name = uniqueName("backup")
  // Registered first, so removed last: the server goes first and lets go of the volume.
  const attachTask = yield* newTask()
  const createTask = yield* newTask([name])
  const params = createRequest({
    name,
    image: "tiny",
    flavor: "m1.tiny",
    boot_volume: { size_gb: 1 },
    networks: [{ network: "private" }]
  })
  const made = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId: createTask, params }))
  const server = made.servers[0]
  if (server === undefined || server.volume_id === undefined) return yield* Effect.dieMessage("no server")
  const data = yield* succeeded(
    yield* runFlow(ServerVolumeAttach.flow, { taskId: attachTask, params: volumeParams(server.id) })
  )
  // Registered last, so run first: a volume with snapshots cannot be deleted.
  yield* serverSnapshotsCleanUp(server.id)
  return { serverId: server.id, bootVolumeId: server.volume_id, dataVolumeId: data.volume_id }
})

const backupParams = (serverId: string, body: Record<string, unknown>) =>
  Schema.decodeUnknownSync(ServerBackup.BackupRequest)({ ...body, server_id: serverId })

const backUp = (serverId: string, body: Record<string, unknown>) =>
  Effect.gen(function* () {
    const taskId = crypto.randomUUID()
    return yield* succeeded(
      yield* runFlow(ServerBackup.flow, { taskId, params: backupParams(serverId, body) })
    )
  })

const failures: ReadonlyArray<{ readonly stage: string; readonly fault: Fault }> = [
  // The first snapshot is made, the second refused: the stage deletes the first before it fails.
  {
    stage: "createSnapshots",
    fault: { method: "POST", path: /\/snapshots$/, mode: "refuse", status: 403, after: 1 }
  },
  // The first look at a snapshot is refused: the wait fails, the undo deletes the set.
  {
    stage: "waitSnapshotsAvailable",
    fault: { method: "GET", path: new RegExp(`/snapshots/${uuid}$`), mode: "refuse", status: 403 }
  }
]

describe("server backups on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "two backups with rotation 1 leave one available set; a volume restored from it attaches; deleting it leaves no snapshot",
      () =>
        Effect.gen(function* () {
          // Registered before the server, so removed after it (the server lets go of the volume first).
          const restoreTask = yield* newTask()
          const server = yield* aServerWithVolumes
          const first = yield* backUp(server.serverId, { name: "nightly", rotation: 1 })
          expect(first.snapshots.map((s) => s.volume_id).sort()).toEqual(
            [server.bootVolumeId, server.dataVolumeId].sort()
          )
          const second = yield* backUp(server.serverId, { name: "nightly", rotation: 1 })
          expect(second.deleted).toEqual([first.backup_id])
          // Cinder itself: exactly the second set, every snapshot available.
          const inCinder = yield* serverSnapshots(server.serverId)
          expect(inCinder.map((s) => s.id).sort()).toEqual(second.snapshots.map((s) => s.snapshot_id).sort())
          expect(inCinder.map((s) => s.status)).toEqual(["available", "available"])
          expect(new Set(inCinder.map((s) => s.metadata.enamel_backup_id))).toEqual(
            new Set([second.backup_id])
          )
          const listed = yield* ServerBackupList.listBackups(server.serverId)
          expect(listed.map((b) => b.backup_id)).toEqual([second.backup_id])
          expect(listed[0]?.snapshots.map((s) => s.status)).toEqual(["available", "available"])
          // Restored as a data volume from the data volume's snapshot: attached.
          const dataSnapshot = second.snapshots.find((s) => s.volume_id === server.dataVolumeId)
          if (dataSnapshot === undefined) return yield* Effect.dieMessage("no snapshot of the data volume")
          const restored = yield* succeeded(
            yield* runFlow(ServerVolumeAttach.flow, {
              taskId: restoreTask,
              params: Schema.decodeUnknownSync(ServerVolumeAttach.AttachVolumeRequest)({
                snapshot: dataSnapshot.snapshot_id,
                size_gb: 1,
                name: "restored",
                server_id: server.serverId
              })
            })
          )
          const volume = yield* Cinder.getVolume(restored.volume_id)
          expect(volume.status).toBe("in-use")
          expect(volume.attachments.map((a) => a.serverId)).toEqual([server.serverId])
          // Deleting the set: none of its snapshots is left.
          yield* succeeded(
            yield* runFlow(ServerBackupDelete.flow, {
              taskId: crypto.randomUUID(),
              params: { server_id: server.serverId, backup_id: second.backup_id }
            })
          )
          expect(yield* serverSnapshots(server.serverId)).toEqual([])
          for (const snapshot of second.snapshots) {
            expect((yield* Cinder.findSnapshot(snapshot.snapshot_id))._tag).toBe("None")
          }
        }),
      { timeout: 300_000, concurrent: true }
    )

    for (const { stage, fault } of failures) {
      it.scoped(
        `a failure in ${stage} (${fault.method} ${fault.path.source} → ${fault.status}) leaves no snapshot of the task`,
        () =>
          Effect.gen(function* () {
            const server = yield* aServerWithVolumes
            const taskId = crypto.randomUUID()
            const outcome = yield* failed(
              yield* runFlow(ServerBackup.flow, {
                taskId,
                params: backupParams(server.serverId, { name: "nightly" })
              }).pipe(Effect.provide(faultyCloud([fault])))
            )
            expect(outcome.error.stage).toBe(stage)
            expect(outcome.error.message).toContain("injected")
            expect(outcome.compensation.failed).toEqual([])
            expect(yield* Cinder.listSnapshots({ metadata: { [taskKey]: taskId } })).toEqual([])
            expect(yield* serverSnapshots(server.serverId)).toEqual([])
          }),
        { timeout: 300_000, concurrent: true }
      )
    }
  })
})
