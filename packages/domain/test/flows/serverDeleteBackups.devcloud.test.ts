/**
 * `DELETE /servers/{id}` of a server with backups, against the real dev cloud, checked in the cloud
 * itself: without `delete_backups` the command's check answers 409 naming the set (and a task that meets
 * a set anyway stops at `findBackupSets`), and nothing changes; with it, a set taken after the check is
 * found too, and the snapshots, the server, its boot volume, port and floating IP are all gone. A
 * failure while the snapshots are being deleted leaves the server; asking again finishes the job.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Neutron, Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerBackup from "../../src/flows/server-backup/index.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import * as ServerDelete from "../../src/flows/server-delete/index.js"
import { uuid } from "./support/attach.js"
import {
  aliceCloud,
  createRequest,
  faultyCloud,
  leftovers,
  newTask,
  nothingLeft,
  serverSnapshots,
  serverSnapshotsCleanUp,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { failed, gone, succeeded } from "./support/expectations.js"

const backUp = (serverId: string, name: string) =>
  Effect.flatMap(
    runFlow(ServerBackup.flow, {
      taskId: crypto.randomUUID(),
      params: Schema.decodeUnknownSync(ServerBackup.BackupRequest)({ name, server_id: serverId })
    }),
    succeeded
  )

/** A server booted from a 1 GiB volume with a floating IP, and one backup set of it. */
const aBackedUpServer = Effect.gen(function* () {
  const name = uniqueName("delete-backups")
  const createTask = yield* newTask([name])
  const params = createRequest({
    name,
    image: "tiny",
    flavor: "m1.tiny",
    boot_volume: { size_gb: 1, delete_on_termination: false },
    networks: [{ network: "private", floating_ip: { network: "public" } }]
  })
  const made = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId: createTask, params }))
  const server = made.servers[0]
  const port = server?.ports[0]
  const ip = server?.floating_ips[0]
  if (server?.volume_id === undefined || port === undefined || ip === undefined) {
    return yield* Effect.dieMessage(`unexpected result ${JSON.stringify(made)}`)
  }
  // Registered last, so run first: a volume with snapshots cannot be deleted.
  yield* serverSnapshotsCleanUp(server.id)
  const backup = yield* backUp(server.id, "nightly")
  return {
    createTask,
    serverId: server.id,
    volumeId: server.volume_id,
    portId: port.id,
    floatingIpId: ip.id,
    backupId: backup.backup_id
  }
})

type Made = Effect.Effect.Success<typeof aBackedUpServer>

/** The server, its volume, port and floating IP, and its snapshots, all gone, as Nova, Cinder and Neutron say. */
const expectAllGone = (made: Made, snapshotIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    expect(yield* serverSnapshots(made.serverId)).toEqual([])
    for (const id of snapshotIds) expect((yield* Cinder.findSnapshot(id))._tag).toBe("None")
    expect(yield* gone(Nova.getServer(made.serverId))).toBe(true)
    expect(yield* gone(Cinder.getVolume(made.volumeId))).toBe(true)
    expect(yield* gone(Neutron.getPort(made.portId))).toBe(true)
    expect(yield* gone(Neutron.getFloatingIp(made.floatingIpId))).toBe(true)
    expect(yield* leftovers(made.createTask)).toEqual(nothingLeft)
  })

describe("deleting a server with backups on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "without delete_backups: 409 and nothing changes; with it, a set taken after the check goes too, then everything",
      () =>
        Effect.gen(function* () {
          const made = yield* aBackedUpServer
          const { serverId } = made
          // Without the flag (or false): the command's check, with alice's token, refuses naming the set.
          for (const params of [{ server_id: serverId }, { server_id: serverId, delete_backups: false }]) {
            const refused = yield* Effect.flip(ServerDelete.command.admit(params))
            expect(refused).toMatchObject({ status: 409, code: "server.has_backups" })
            expect(refused.detail).toContain(made.backupId)
          }
          // A task without it that meets a set anyway stops before deleting anything.
          const stopped = yield* failed(
            yield* runFlow(ServerDelete.flow, {
              taskId: crypto.randomUUID(),
              params: { server_id: serverId }
            })
          )
          expect(stopped.error).toMatchObject({ code: "server.has_backups", stage: "findBackupSets" })
          expect((yield* Nova.getServer(serverId)).status).toBe("ACTIVE")
          expect((yield* Cinder.getVolume(made.volumeId)).status).toBe("in-use")
          expect((yield* serverSnapshots(serverId)).map((s) => s.status)).toEqual(["available"])
          expect((yield* Neutron.getFloatingIp(made.floatingIpId)).portId).toBe(made.portId)

          // With it: accepted; a backup taken between the check and the task is found when the task runs.
          yield* ServerDelete.command.admit({ server_id: serverId, delete_backups: true })
          const later = yield* backUp(serverId, "after-the-check")
          const snapshotIds = (yield* serverSnapshots(serverId)).map((s) => s.id)
          expect(snapshotIds).toHaveLength(2)
          const deleted = yield* succeeded(
            yield* runFlow(ServerDelete.flow, {
              taskId: crypto.randomUUID(),
              params: { server_id: serverId, delete_backups: true }
            })
          )
          expect([...deleted.backup_ids].sort()).toEqual([made.backupId, later.backup_id].sort())
          expect(deleted.volume_ids).toEqual([made.volumeId])
          yield* expectAllGone(made, snapshotIds)
        }),
      { timeout: 180_000, concurrent: true }
    )

    it.scoped(
      "a failure while a set's snapshots are deleted leaves the server; asking again finishes the job",
      () =>
        Effect.gen(function* () {
          const made = yield* aBackedUpServer
          const snapshotIds = (yield* serverSnapshots(made.serverId)).map((s) => s.id)
          const params = { server_id: made.serverId, delete_backups: true }
          // The wait's first look, once the delete was asked for, is refused.
          const fault = {
            method: "GET",
            path: new RegExp(`/snapshots/${uuid}$`),
            mode: "refuse",
            status: 403,
            armedBy: { method: "DELETE", path: new RegExp(`/snapshots/${uuid}$`) }
          } as const
          const outcome = yield* failed(
            yield* runFlow(ServerDelete.flow, { taskId: crypto.randomUUID(), params }).pipe(
              Effect.provide(faultyCloud([fault]))
            )
          )
          expect(outcome.error).toMatchObject({ stage: "backup[0]/waitSnapshotsDeleted" })
          expect(outcome.error.message).toContain("injected")
          expect((yield* Nova.getServer(made.serverId)).status).toBe("ACTIVE")
          expect((yield* Cinder.getVolume(made.volumeId)).status).toBe("in-use")

          yield* succeeded(yield* runFlow(ServerDelete.flow, { taskId: crypto.randomUUID(), params }))
          yield* expectAllGone(made, snapshotIds)
        }),
      { timeout: 180_000, concurrent: true }
    )
  })
})
