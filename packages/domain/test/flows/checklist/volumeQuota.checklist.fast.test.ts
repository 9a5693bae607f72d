/**
 * Cinder's volume quota, checked by the first stage of the flows that make volumes, on the cloud double
 * as alice: `server.create` version 2 (a boot volume per server, from the image or a snapshot) and
 * `server.volume.attach` version 2 (a new volume). Over quota (volumes, or gigabytes) the task fails at
 * its first stage with `volume.over_quota`, naming what was asked and what is left, and nothing is made;
 * at the quota it runs as before; limits alice may not read leave the check to Cinder.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerCreate, ServerVolumeAttach } from "@enamel/domain/flows"
import { Cinder } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { aliceShape } from "./cloudShape.js"
import { createRequest } from "./fixtures.js"
import { failed, makeWorld, runToEnd, succeeded, type World } from "./harness.js"
import { aliceVolume, asAlice, buildWeb } from "./volumeFixtures.js"

/** `createRequest`'s two servers, each booting from a new volume of `sizeGb`. */
const createTask = (sizeGb = 1) => ({
  taskId: crypto.randomUUID(),
  params: { ...createRequest(), boot_volume: { size_gb: sizeGb, delete_on_termination: true } }
})

const restoreTask = (snapshotId: string) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
    name: "restored",
    flavor: "m1.tiny",
    boot_volume: { snapshot: snapshotId },
    networks: [{ network: "private" }]
  })
})

const attachTask = (serverId: string, body: Record<string, unknown>) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerVolumeAttach.AttachVolumeRequest)({ ...body, server_id: serverId })
})

/** The calls since `after` that change the cloud (anything but a read, or a token from Keystone). */
const writesTo = (world: World, after: number) =>
  Effect.map(world.cloud.calls, (calls) =>
    calls
      .filter((call) => call.seq > after && call.method !== "GET" && call.service !== "keystone")
      .map((call) => `${call.service} ${call.method} ${call.path}`)
  )

const lastSeq = (world: World) => Effect.map(world.cloud.calls, (calls) => calls.at(-1)?.seq ?? 0)

/** `web` (a 1 GiB boot volume) and a snapshot of it, as alice takes one. */
const webWithSnapshot = (world: World) =>
  Effect.gen(function* () {
    const web = yield* buildWeb(world)
    const snapshot = yield* asAlice(
      world,
      Effect.tap(Cinder.createSnapshot({ volumeId: web.bootVolumeId, name: "backup", force: true }), (s) =>
        Cinder.waitForSnapshotAvailable(s.id)
      )
    )
    return { ...web, snapshotId: snapshot.id }
  })

describe("the volume quota, checked before anything is made", () => {
  it.live("server.create: two boot volumes with one volume left fail at resolveRequest, nothing made", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      yield* world.cloud.setQuota("alpha", { volumes: 1 })
      const baseline = yield* aliceShape(world)
      const before = yield* lastSeq(world)
      const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, createTask()))
      expect(outcome.error).toMatchObject({ code: "volume.over_quota", stage: "resolveRequest" })
      expect(outcome.error.message).toBe(
        "quota volumes exceeded: the request makes 2 new volumes and the project has 1 left " +
          "(it uses 0 of its 1); nothing was made"
      )
      expect(yield* writesTo(world, before)).toEqual([])
      expect(yield* aliceShape(world)).toEqual(baseline)
    })
  )

  it.live(
    "server.create: 2 × 2 GiB with 3 GiB left fails naming the gigabytes; 2 × 1 GiB fits and is built",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        yield* world.cloud.setQuota("alpha", { volumes: 2, gigabytes: 3 })
        const before = yield* lastSeq(world)
        const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, createTask(2)))
        expect(outcome.error).toMatchObject({ code: "volume.over_quota", stage: "resolveRequest" })
        expect(outcome.error.message).toBe(
          "quota gigabytes exceeded: the request makes 4 GiB of new volumes and the project has 3 GiB left " +
            "(it uses 0 of its 3 GiB); nothing was made"
        )
        expect(yield* writesTo(world, before)).toEqual([])
        const made = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, createTask(1)))
        expect(made.servers.map((s) => s.name)).toEqual(["web-1", "web-2"])
      })
  )

  it.live("server.create from a snapshot (a restore) over the volume quota fails at resolveRequest", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* webWithSnapshot(world)
      yield* world.cloud.setQuota("alpha", { volumes: 1 })
      const baseline = yield* aliceShape(world)
      const before = yield* lastSeq(world)
      const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, restoreTask(web.snapshotId)))
      expect(outcome.error).toMatchObject({ code: "volume.over_quota", stage: "resolveRequest" })
      expect(outcome.error.message).toContain("the request makes 1 new volume and the project has 0 left")
      expect(yield* writesTo(world, before)).toEqual([])
      expect(yield* aliceShape(world)).toEqual(baseline)
    })
  )

  it.live(
    "server.create: limits alice may not read (403) leave the check to Cinder; the server is built",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const fault = yield* world.cloud.inject({
          service: "cinder",
          method: "GET",
          path: "/limits",
          answer: Fault.status(403)
        })
        const made = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, createTask()))
        expect(yield* fault.fired).toBe(1)
        expect(made.servers).toHaveLength(2)
      })
  )

  it.live(
    "server.volume.attach: a new volume (empty or from a snapshot) over quota fails at checkRequest",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* webWithSnapshot(world)
        // web's boot volume (1 GiB) and its snapshot (1 GiB) use 2 GiB.
        yield* world.cloud.setQuota("alpha", { gigabytes: 4 })
        const baseline = yield* aliceShape(world)
        const before = yield* lastSeq(world)
        const empty = yield* failed(
          yield* runToEnd(world, ServerVolumeAttach.flow, attachTask(web.serverId, { size_gb: 3 }))
        )
        expect(empty.error).toMatchObject({ code: "volume.over_quota", stage: "checkRequest" })
        expect(empty.error.message).toBe(
          "quota gigabytes exceeded: the request makes 3 GiB of new volumes and the project has 2 GiB left " +
            "(it uses 2 of its 4 GiB); nothing was made"
        )
        yield* world.cloud.setQuota("alpha", { volumes: 1 })
        const restored = yield* failed(
          yield* runToEnd(
            world,
            ServerVolumeAttach.flow,
            attachTask(web.serverId, { snapshot: web.snapshotId })
          )
        )
        expect(restored.error).toMatchObject({ code: "volume.over_quota", stage: "checkRequest" })
        expect(restored.error.message).toContain("quota volumes exceeded")
        expect(yield* writesTo(world, before)).toEqual([])
        expect(yield* aliceShape(world)).toEqual(baseline)
      })
  )

  it.live("server.volume.attach: a new volume at the quota, and an existing one at any quota, attach", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* buildWeb(world)
      const own = yield* aliceVolume(world, "data")
      // web's boot volume and alice's own: one more volume, of 1 GiB, fits exactly.
      yield* world.cloud.setQuota("alpha", { volumes: 3, gigabytes: 3 })
      const made = yield* succeeded(
        yield* runToEnd(world, ServerVolumeAttach.flow, attachTask(web.serverId, { size_gb: 1 }))
      )
      expect(made).toMatchObject({ created: true })
      const existing = yield* succeeded(
        yield* runToEnd(world, ServerVolumeAttach.flow, attachTask(web.serverId, { volume: own }))
      )
      expect(existing).toMatchObject({ volume_id: own, created: false })
    })
  )
})
