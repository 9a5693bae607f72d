/**
 * Restore on the cloud double, as alice: a snapshot of `web`'s boot volume (what a backup takes) boots a
 * new server through `server.create` version 2 (`boot_volume.snapshot`, no image, the snapshot's size),
 * and comes back as a data volume through `server.volume.attach` version 2 (`snapshot`, no `size_gb`).
 * A failure after the volume from the snapshot is made leaves nothing; a snapshot that cannot be used is
 * refused by the first stage, before anything is made. Version 1 of both still runs what it ran.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerCreate, ServerVolumeAttach } from "@enamel/domain/flows"
import { Cinder } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Either, Schema } from "effect"
import { aliceShape } from "./cloudShape.js"
import { carries } from "./fixtures.js"
import { failed, makeWorld, runToEnd, succeeded, type World } from "./harness.js"
import { asAlice, buildWeb, webRequest } from "./volumeFixtures.js"

/** A snapshot alice takes of a volume (forced: it may be in use), waited until available. */
const snapshotOf = (world: World, volumeId: string) =>
  asAlice(
    world,
    Effect.tap(Cinder.createSnapshot({ volumeId, name: "backup", force: true }), (made) =>
      Cinder.waitForSnapshotAvailable(made.id)
    )
  )

const restoreTask = (bootVolume: Record<string, unknown>) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
    name: "restored",
    flavor: "m1.tiny",
    boot_volume: bootVolume,
    networks: [{ network: "private" }]
  })
})

/** `web`, and a snapshot of its boot volume. */
const setUp = (world: World) =>
  Effect.gen(function* () {
    const web = yield* buildWeb(world)
    const snapshot = yield* snapshotOf(world, web.bootVolumeId)
    return { ...web, snapshotId: snapshot.id, baseline: yield* aliceShape(world) }
  })

describe("restoring a snapshot, on the cloud double", () => {
  it.live("boot_volume.snapshot boots a new server from a volume made from it, of its size", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const result = yield* succeeded(
        yield* runToEnd(world, ServerCreate.flow, restoreTask({ snapshot: web.snapshotId }))
      )
      const [restored] = result.servers
      expect(restored).toMatchObject({ name: "restored", volume_id: expect.any(String) })
      const volume = yield* asAlice(world, Cinder.getVolume(restored?.volume_id ?? ""))
      expect(volume).toMatchObject({
        name: "restored-boot",
        snapshotId: web.snapshotId,
        size: 1,
        status: "in-use",
        attachments: [{ serverId: restored?.id }]
      })
      const server = (yield* world.cloud.snapshot).alpha?.servers.find((s) => s.id === restored?.id)
      expect(server).toMatchObject({ status: "ACTIVE", volumeIds: [volume.id] })
    })
  )

  it.live("a failure at bootServer, after the volume from the snapshot is made: nothing is left", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = restoreTask({ snapshot: web.snapshotId, size_gb: 2 })
      const fault = yield* world.cloud.inject({
        service: "nova",
        method: "POST",
        path: "/servers",
        where: carries(task.taskId, "server[0]/bootServer"),
        answer: Fault.overQuota
      })
      const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, task))
      expect(yield* fault.fired).toBe(1)
      expect(outcome.error.stage).toBe("server[0]/bootServer")
      expect(outcome.compensation.compensated).toContain("server[0]/createBootVolume")
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  it.live("a snapshot larger than size_gb, or none: refused at resolveRequest naming it, nothing made", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const large = yield* asAlice(
        world,
        Effect.tap(Cinder.createVolume({ size: 2, name: "large" }), (v) =>
          Cinder.waitForVolumeAvailable(v.id)
        )
      )
      const largeSnapshot = yield* snapshotOf(world, large.id)
      const baseline = yield* aliceShape(world)
      const missing = crypto.randomUUID()
      const tooSmall = yield* failed(
        yield* runToEnd(world, ServerCreate.flow, restoreTask({ snapshot: largeSnapshot.id, size_gb: 1 }))
      )
      expect(tooSmall.error).toMatchObject({ code: "server.request_unresolved", stage: "resolveRequest" })
      expect(tooSmall.error.message).toContain(
        `size_gb 1 is smaller than snapshot ${largeSnapshot.id} (2 GiB)`
      )
      const none = yield* failed(
        yield* runToEnd(world, ServerCreate.flow, restoreTask({ snapshot: missing }))
      )
      expect(none.error.message).toContain(`snapshot ${missing} not found`)
      expect(yield* aliceShape(world)).toEqual(baseline)
      expect(baseline.volumes).toHaveLength(web.baseline.volumes.length + 1)
    })
  )

  it.live("snapshot without size_gb comes back as a data volume of the snapshot's size", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = {
        taskId: crypto.randomUUID(),
        params: Schema.decodeUnknownSync(ServerVolumeAttach.AttachVolumeRequest)({
          server_id: web.serverId,
          snapshot: web.snapshotId
        })
      }
      const result = yield* succeeded(yield* runToEnd(world, ServerVolumeAttach.flow, task))
      const volume = yield* asAlice(world, Cinder.getVolume(result.volume_id))
      expect(volume).toMatchObject({ snapshotId: web.snapshotId, size: 1, status: "in-use" })
      expect(result).toMatchObject({ created: true, device: expect.any(String) })
    })
  )

  it.live("version 1 of each: server.create from the image as before; attach needs size_gb", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const params = Schema.decodeUnknownSync(ServerCreate.CreateServersRequestV1)(
        Schema.encodeSync(ServerCreate.CreateServersRequest)(webRequest)
      )
      const made = yield* succeeded(
        yield* runToEnd(world, ServerCreate.flowV1, { taskId: crypto.randomUUID(), params })
      )
      expect(made.servers).toMatchObject([{ name: "web", volume_id: expect.any(String) }])
      const v1Params = Schema.decodeUnknownEither(ServerVolumeAttach.AttachVolumeRequestV1)({
        server_id: made.servers[0]?.id,
        snapshot: crypto.randomUUID()
      })
      expect(Either.isLeft(v1Params)).toBe(true)
    })
  )
})
