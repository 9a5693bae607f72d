import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Glance } from "@enamel/openstack-clients"
import { Effect, Layer } from "effect"
import { Admin } from "../support/admin.js"
import { cloudLayer, uniqueName } from "../support/cloud.js"
import { scopedVolume } from "../support/resources.js"

const live = Layer.provideMerge(Admin.Default, cloudLayer("alice"))
const missingId = "00000000-0000-4000-8000-000000000000"

describe("Cinder (dev cloud, as alice)", () => {
  layer(live, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("negotiates the microversion; lists and finds volume types", () =>
      Effect.gen(function* () {
        expect(yield* Cinder.microversion).toBe("3.70")
        const types = yield* Cinder.listVolumeTypes()
        const defaultType = types.find((t) => t.name === "__DEFAULT__")
        expect(defaultType).toBeDefined()
        expect(yield* Cinder.findVolumeType("__DEFAULT__")).toEqual(defaultType)
        expect(yield* Cinder.findVolumeType(defaultType?.id ?? "")).toEqual(defaultType)
        expect((yield* Effect.flip(Cinder.findVolumeType("no-such-type")))._tag).toBe("OpenStackNotFound")
      })
    )

    it.scoped("a bootable volume from an image: create, wait, get, list by metadata, delete, wait gone", () =>
      Effect.gen(function* () {
        const name = uniqueName("volume")
        const image = yield* Glance.findImage("tiny")
        const created = yield* scopedVolume({
          size: 1,
          imageId: image.id,
          name,
          metadata: { "enamel-test": name }
        })
        expect(created).toMatchObject({ name, size: 1, metadata: { "enamel-test": name } })
        const volume = yield* Cinder.waitForVolumeAvailable(created.id)
        expect(volume).toMatchObject({
          id: created.id,
          status: "available",
          bootable: true,
          volumeType: "__DEFAULT__"
        })
        expect(yield* Cinder.getVolume(created.id)).toEqual(volume)

        const listed = yield* Cinder.listVolumes({ metadata: { "enamel-test": name } })
        expect(listed.map((v) => v.id)).toEqual([created.id])
        expect(yield* Cinder.listVolumes({ metadata: { "enamel-test": `${name}-other` } })).toEqual([])
        expect((yield* Cinder.listVolumes({ name, pageSize: 1 })).map((v) => v.id)).toEqual([created.id])

        yield* Cinder.deleteVolume(created.id)
        yield* Cinder.waitForVolumeDeleted(created.id)
        const gone = yield* Effect.flip(Cinder.getVolume(created.id))
        expect(gone).toMatchObject({ _tag: "OpenStackNotFound", status: 404, service: "cinder" })
        expect(gone.message).toBe(`Volume ${created.id} could not be found.`)
        expect(gone.requestId).toMatch(/^req-/)
      })
    )

    it.scoped("a volume no backend can take fails with Cinder's own message", () =>
      Effect.gen(function* () {
        const admin = yield* Admin
        const type = yield* admin.volumeType({ volume_backend_name: uniqueName("nowhere") })
        const volume = yield* scopedVolume({
          size: 1,
          name: uniqueName("unplaceable"),
          volumeType: type.name
        })
        const error = yield* Effect.flip(Cinder.waitForVolumeAvailable(volume.id))
        expect(error._tag).toBe("OpenStackResourceFailed")
        expect(error).toMatchObject({
          service: "cinder",
          resource: "volume",
          resourceId: volume.id,
          resourceStatus: "error"
        })
        expect(error.message).toContain("Could not find any available weighted backend")
        const messages = yield* Cinder.listMessages(volume.id)
        expect(messages[0]?.userMessage).toBe(error.message)
      })
    )

    it.effect("error paths: unknown volume, invalid size", () =>
      Effect.gen(function* () {
        const missing = yield* Effect.flip(Cinder.getVolume(missingId))
        expect(missing._tag).toBe("OpenStackNotFound")
        expect((yield* Effect.flip(Cinder.deleteVolume(missingId)))._tag).toBe("OpenStackNotFound")
        const invalid = yield* Effect.flip(Cinder.createVolume({ size: 0, name: uniqueName("invalid") }))
        expect(invalid).toMatchObject({ _tag: "OpenStackBadRequest", status: 400, service: "cinder" })
        expect(invalid.message).toContain("size")
      })
    )
  })
})
