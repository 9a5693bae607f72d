/**
 * Volumes attached to and detached from a server, end to end on the dev cloud through the real API and a
 * worker, checked in the cloud itself as alice: two attaches at once on one server (a new volume, and
 * alice's own), a volume from a snapshot, the refusals (boot volume, a volume not attached, a volume in
 * use, a server that is not hers), a detach of alice's volume keeping it and of Enamel's deleting it, and
 * DELETE /servers/{id} removing everything Enamel made for the server while keeping alice's volume.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { asAlice, enamelServing, refused, succeeds } from "./attach.js"
import { call, deleteUserKeysAtEnd, tokenOf } from "./enamel.js"

const Enamel = enamelServing("e2e-volumes", {
  "server.create": 2,
  "server.delete": 2,
  "server.volume.attach": 4,
  "server.volume.detach": 4
})

interface AttachResult {
  readonly volume_id: string
  readonly device: string | null
  readonly created: boolean
}

describe("server volumes end to end on the dev cloud", () => {
  layer(Enamel, { timeout: 600_000, excludeTestServices: true })((it) => {
    it.scoped(
      "attach (two at once, one from a snapshot), the refusals, detach, and DELETE /servers/{id} keeping alice's volume",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          const cloud = asAlice(alice)
          yield* deleteUserKeysAtEnd(alice)
          const token = yield* tokenOf(alice)
          const name = uniqueName("e2e-vol")

          // Alice's own volume, made by her; removed at the end (after its snapshot) whatever happens.
          const own = yield* cloud(Cinder.createVolume({ size: 1, name: `${name}-own` }))
          yield* Effect.addFinalizer(() =>
            cloud(
              Cinder.waitForVolumeDeletable(own.id).pipe(
                Effect.zipRight(Cinder.deleteVolume(own.id)),
                Effect.zipRight(Cinder.waitForVolumeDeleted(own.id))
              )
            ).pipe(Effect.ignore)
          )
          yield* cloud(Cinder.waitForVolumeAvailable(own.id))
          const snapshot = yield* cloud(Cinder.createSnapshot({ volumeId: own.id, name: `${name}-snap` }))
          yield* Effect.addFinalizer(() => cloud(Cinder.deleteSnapshot(snapshot.id)).pipe(Effect.ignore))

          const created = (yield* succeeds("POST", "/servers", token, {
            name,
            image: "tiny",
            flavor: "m1.tiny",
            boot_volume: { size_gb: 1 },
            networks: [{ network: "private" }]
          })) as { readonly servers: ReadonlyArray<{ readonly id: string; readonly volume_id: string }> }
          const server = created.servers[0]
          if (server === undefined) return yield* Effect.dieMessage("no server was made")
          // Whatever the test does next, the server goes (DELETE removes what Enamel made for it).
          yield* Effect.addFinalizer(() => cloud(Nova.deleteServer(server.id)).pipe(Effect.ignore))

          // Two attaches on the server at once: a new volume, and alice's own.
          const [made, mine] = (yield* Effect.all(
            [
              succeeds("POST", `/servers/${server.id}/volumes`, token, { size_gb: 1, name: `${name}-data` }),
              succeeds("POST", `/servers/${server.id}/volumes`, token, { volume: own.id })
            ],
            { concurrency: "unbounded" }
          )) as ReadonlyArray<AttachResult>
          if (made === undefined || mine === undefined) return yield* Effect.dieMessage("no attach result")
          expect(made.created).toBe(true)
          expect(mine).toMatchObject({ volume_id: own.id, created: false })
          expect(made.device).not.toBe(mine.device)
          // In the cloud: both in-use on that server; Enamel's marked for it, alice's untouched.
          const madeVolume = yield* cloud(Cinder.getVolume(made.volume_id))
          expect(madeVolume.status).toBe("in-use")
          expect(madeVolume.attachments.map((a) => a.serverId)).toEqual([server.id])
          expect(madeVolume.metadata).toMatchObject({ enamel_server: server.id })
          const ownVolume = yield* cloud(Cinder.getVolume(own.id))
          expect(ownVolume.status).toBe("in-use")
          expect(ownVolume.attachments.map((a) => a.serverId)).toEqual([server.id])
          expect(ownVolume.metadata).toEqual({})
          const attached = (yield* cloud(Nova.listVolumeAttachments(server.id))).map((a) => a.volumeId)
          expect(attached).toEqual(expect.arrayContaining([server.volume_id, made.volume_id, own.id]))

          // GET /servers/{id} reads the same, with who made each volume: server.create the boot volume,
          // the attach task the new one, nobody (null) alice's.
          const shown = yield* call("GET", `/servers/${server.id}`, token)
          expect(shown.status).toBe(200)
          const volumes = (
            shown.body as {
              server: { volumes: ReadonlyArray<{ id: string; boot: boolean; task_id: string | null }> }
            }
          ).server.volumes
          expect(volumes.find((v) => v.id === server.volume_id)).toMatchObject({ boot: true })
          expect(volumes.find((v) => v.id === server.volume_id)?.task_id).toEqual(expect.any(String))
          expect(volumes.find((v) => v.id === made.volume_id)).toMatchObject({
            boot: false,
            task_id: madeVolume.metadata.enamel_task
          })
          expect(volumes.find((v) => v.id === own.id)).toMatchObject({ boot: false, task_id: null })

          // Refused before anything is made, each naming what is wrong.
          const bootDetach = yield* refused(
            "DELETE",
            `/servers/${server.id}/volumes/${server.volume_id}`,
            token
          )
          expect(bootDetach).toMatchObject({ status: 409, code: "volume.boot_volume" })
          expect(bootDetach.detail).toContain(server.volume_id)
          const stranger = crypto.randomUUID()
          const notAttached = yield* refused("DELETE", `/servers/${server.id}/volumes/${stranger}`, token)
          expect(notAttached).toMatchObject({ status: 404, code: "volume.not_attached" })
          expect(notAttached.detail).toContain(stranger)
          const inUse = yield* refused("POST", `/servers/${server.id}/volumes`, token, { volume: own.id })
          expect(inUse).toMatchObject({ status: 409, code: "volume.not_available" })
          const nobody = yield* refused("POST", `/servers/${crypto.randomUUID()}/volumes`, token, {
            size_gb: 1
          })
          expect(nobody).toMatchObject({ status: 404, code: "server.not_found" })

          // A volume from alice's snapshot, attached, then detached: Enamel made it, so it is deleted.
          const restored = (yield* succeeds("POST", `/servers/${server.id}/volumes`, token, {
            size_gb: 1,
            snapshot: snapshot.id
          })) as AttachResult
          expect((yield* cloud(Cinder.getVolume(restored.volume_id))).status).toBe("in-use")
          const dropped = yield* succeeds(
            "DELETE",
            `/servers/${server.id}/volumes/${restored.volume_id}`,
            token
          )
          expect(dropped).toEqual({ volume_id: restored.volume_id, deleted: true })
          expect(Option.isNone(yield* cloud(Cinder.findVolume(restored.volume_id)))).toBe(true)

          // Alice's own volume detached: kept, available, attached to nothing.
          const kept = yield* succeeds("DELETE", `/servers/${server.id}/volumes/${own.id}`, token)
          expect(kept).toEqual({ volume_id: own.id, deleted: false })
          const afterDetach = yield* cloud(Cinder.getVolume(own.id))
          expect(afterDetach.status).toBe("available")
          expect(afterDetach.attachments).toEqual([])

          // Attached again, then the server deleted: what Enamel made goes, alice's volume stays.
          yield* succeeds("POST", `/servers/${server.id}/volumes`, token, { volume: own.id })
          yield* succeeds("DELETE", `/servers/${server.id}`, token)
          expect(Option.isNone(yield* cloud(Cinder.findVolume(made.volume_id)))).toBe(true)
          expect(Option.isNone(yield* cloud(Cinder.findVolume(server.volume_id)))).toBe(true)
          const survivor = yield* cloud(Cinder.getVolume(own.id))
          expect(survivor.status).toBe("available")
          expect(survivor.attachments).toEqual([])
        })
    )
  })
})
