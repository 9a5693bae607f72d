/**
 * Restore against the real dev cloud, checked in Cinder and Nova themselves: a backup of a server booted
 * from a volume boots a new server (`server.create` version 2 with `boot_volume.snapshot`, no image, the
 * snapshot's size), ACTIVE on a volume whose `snapshot_id` is the backup's snapshot; the same snapshot
 * comes back as a data volume (`server.volume.attach` version 2 with `snapshot`, no size), attached;
 * `server.delete` then removes both volumes with the new server and nothing of the tasks is left. Nova
 * refusing the boot, after the volume from the snapshot is made, leaves nothing either.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import { removeSnapshot } from "../../src/flows/cloud/remove.js"
import * as ServerBackup from "../../src/flows/server-backup/index.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import * as ServerDelete from "../../src/flows/server-delete/index.js"
import * as ServerVolumeAttach from "../../src/flows/server-volume-attach/index.js"
import { aServerWith } from "./support/attach.js"
import {
  aliceCloud,
  createRequest,
  faultyCloud,
  leftovers,
  newTask,
  nothingLeft,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { failed, succeeded } from "./support/expectations.js"

/** A server booted from `snapshotId`'s volume, on `private`. */
const restoreRequest = (name: string, snapshotId: string) =>
  createRequest({
    name,
    flavor: "m1.tiny",
    boot_volume: { snapshot: snapshotId },
    networks: [{ network: "private" }]
  })

describe("restoring a backup on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "a backup boots a new server and comes back as a data volume; deleting leaves nothing; a refused boot leaves nothing",
      () =>
        Effect.gen(function* () {
          // Registered before the source server's, so cleaned up after it (ours hold volumes of its snapshot).
          const name = uniqueName("restored")
          const failing = uniqueName("unbooted")
          const [createTask, attachTask, failingTask] = yield* Effect.all([
            newTask([name]),
            newTask(),
            newTask([failing])
          ])
          const source = yield* aServerWith("restore-source", { boot_volume: { size_gb: 1 } })
          const backup = yield* succeeded(
            yield* runFlow(ServerBackup.flow, {
              taskId: crypto.randomUUID(),
              params: Schema.decodeUnknownSync(ServerBackup.BackupRequest)({
                name: "before",
                volumes: "boot",
                server_id: source
              })
            })
          )
          const snapshotId = backup.snapshots[0]?.snapshot_id ?? ""
          // Registered last, so run first: the source's volume cannot be deleted while it has snapshots.
          yield* Effect.addFinalizer(() => Effect.ignore(removeSnapshot(snapshotId)))

          // A new server from the boot snapshot: ACTIVE, on a volume made from it, of its size.
          const made = yield* succeeded(
            yield* runFlow(ServerCreate.flow, {
              taskId: createTask,
              params: restoreRequest(name, snapshotId)
            })
          )
          const restored = made.servers[0]
          if (restored?.volume_id === undefined) return yield* Effect.dieMessage("no boot volume")
          expect((yield* Nova.getServer(restored.id)).status).toBe("ACTIVE")
          const bootVolume = yield* Cinder.getVolume(restored.volume_id)
          expect(bootVolume).toMatchObject({ snapshotId, size: 1, status: "in-use" })
          expect(bootVolume.attachments.map((a) => a.serverId)).toEqual([restored.id])

          // The same snapshot as a data volume of the new server: attached, made from it.
          const data = yield* succeeded(
            yield* runFlow(ServerVolumeAttach.flow, {
              taskId: attachTask,
              params: Schema.decodeUnknownSync(ServerVolumeAttach.AttachVolumeRequest)({
                snapshot: snapshotId,
                server_id: restored.id
              })
            })
          )
          const dataVolume = yield* Cinder.getVolume(data.volume_id)
          expect(dataVolume).toMatchObject({ snapshotId, size: 1, status: "in-use" })
          expect(dataVolume.attachments.map((a) => a.serverId)).toEqual([restored.id])

          // Deleting the new server removes both volumes with it.
          yield* succeeded(
            yield* runFlow(ServerDelete.flow, {
              taskId: crypto.randomUUID(),
              params: { server_id: restored.id }
            })
          )
          expect(yield* leftovers(createTask, [name])).toEqual(nothingLeft)
          expect(yield* leftovers(attachTask)).toEqual(nothingLeft)
          expect((yield* Cinder.findVolume(data.volume_id))._tag).toBe("None")

          // Nova refuses the boot after the volume from the snapshot is made: undone, nothing left.
          const refused = yield* failed(
            yield* runFlow(ServerCreate.flow, {
              taskId: failingTask,
              params: restoreRequest(failing, snapshotId)
            }).pipe(
              Effect.provide(
                faultyCloud([{ method: "POST", path: /\/servers$/, mode: "refuse", status: 403 }])
              )
            )
          )
          expect(refused.error.stage).toBe("server[0]/bootServer")
          expect(refused.compensation).toMatchObject({ failed: [] })
          expect(refused.compensation.compensated).toContain("server[0]/createBootVolume")
          expect(yield* leftovers(failingTask, [failing])).toEqual(nothingLeft)
        }),
      { timeout: 240_000 }
    )
  })
})
