/**
 * What an admission found travels with the task (`Command.carriedAdmission`, `flows/cloud/admitted.ts`):
 * `server.backup` and `server.backup.delete` admitted as alice on the cloud double, then run with the
 * params the admission gave back. While fresh, the first stage reads nothing again; once stale, it does;
 * and a snapshot gone in between is left to the action, which still ends with the set gone.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerBackup, ServerBackupDelete } from "@enamel/domain/flows"
import { Cinder } from "@enamel/openstack-clients"
import { emptyProject } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { makeWorld, runToEnd, succeeded, type World } from "./harness.js"
import { asAlice, buildWeb } from "./volumeFixtures.js"

/** The cloud calls made while `effect` runs. */
const callsDuring = <A, E, R>(world: World, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const before = (yield* world.cloud.calls).length
    const result = yield* effect
    return { result, calls: (yield* world.cloud.calls).slice(before) }
  })

/** A `server.backup` task of web's, with the params its admission gave back. */
const admittedBackup = (world: World, serverId: string) =>
  Effect.map(
    asAlice(world, ServerBackup.command.admit({ name: "nightly", server_id: serverId })),
    (params) => ({
      taskId: crypto.randomUUID(),
      params: Schema.decodeUnknownSync(ServerBackup.BackupParams)(params)
    })
  )

const readsServer = (serverId: string) => (call: { service: string; method: string; path: string }) =>
  call.service === "nova" && call.method === "GET" && call.path.includes(serverId)

const snapshotsOfAlice = (world: World) =>
  Effect.map(world.cloud.snapshot, (s) => (s.alpha ?? emptyProject).snapshots.map((snapshot) => snapshot.id))

describe("admission's findings carried to the first stage", () => {
  it.live(
    "server.backup: the admission's volumes are stored with the task; chooseVolumes reads none again",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* buildWeb(world)
        const task = yield* admittedBackup(world, web.serverId)
        expect(task.params.admitted?.found).toEqual({
          server_id: web.serverId,
          volumes: [{ volume_id: web.bootVolumeId, device: "/dev/vda", size_gb: 1 }]
        })
        const { result, calls } = yield* callsDuring(
          world,
          Effect.flatMap(runToEnd(world, ServerBackup.flow, task), succeeded)
        )
        expect(result.snapshots.map((s) => s.volume_id)).toEqual([web.bootVolumeId])
        expect(calls.filter(readsServer(web.serverId))).toEqual([])
      })
  )

  it.live("server.backup: findings older than the freshness bound are read again", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* buildWeb(world)
      const task = yield* admittedBackup(world, web.serverId)
      yield* world.pass("1 minute")
      const { result, calls } = yield* callsDuring(
        world,
        Effect.flatMap(runToEnd(world, ServerBackup.flow, task), succeeded)
      )
      expect(result.snapshots.map((s) => s.volume_id)).toEqual([web.bootVolumeId])
      expect(calls.filter(readsServer(web.serverId)).length).toBeGreaterThan(0)
    })
  )

  it.live("server.backup.delete: the set found at admission is deleted, a snapshot gone in between too", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* buildWeb(world)
      const made = yield* Effect.flatMap(
        runToEnd(world, ServerBackup.flow, yield* admittedBackup(world, web.serverId)),
        succeeded
      )
      const admitted = yield* asAlice(
        world,
        ServerBackupDelete.command.admit({ server_id: web.serverId, backup_id: made.backup_id })
      )
      const params = Schema.decodeUnknownSync(ServerBackupDelete.DeleteBackupParams)(admitted)
      const snapshotIds = made.snapshots.map((s) => s.snapshot_id)
      expect(params.admitted?.found.snapshot_ids).toEqual(snapshotIds)
      // Alice deletes the set's snapshot herself after the 202: the task still ends with the set gone.
      yield* asAlice(
        world,
        Effect.forEach(snapshotIds, (id) => Cinder.deleteSnapshot(id))
      )
      const { result, calls } = yield* callsDuring(
        world,
        Effect.flatMap(
          runToEnd(world, ServerBackupDelete.flow, { taskId: crypto.randomUUID(), params }),
          succeeded
        )
      )
      expect(result.snapshot_ids).toEqual(snapshotIds)
      expect(calls.filter(readsServer(web.serverId))).toEqual([])
      expect(yield* snapshotsOfAlice(world)).toEqual([])
    })
  )
})
