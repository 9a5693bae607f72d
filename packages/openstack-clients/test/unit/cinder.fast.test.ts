import { describe, expect, it } from "@effect/vitest"
import { Cinder } from "@enamel/openstack-clients"
import { Effect } from "effect"
import types from "../fixtures/cinder-types.json"
import created from "../fixtures/cinder-volume-created.json"
import inUse from "../fixtures/cinder-volume-in-use.json"
import detail from "../fixtures/cinder-volumes-detail.json"
import { projectId, reply, sentJson, versionRoutes, withStubCloud } from "../support/stubCloud.js"

const volumes = `cinder.test/v3/${projectId}`

describe("Cinder (stub cloud, Zed responses)", () => {
  it.effect("creates a volume from an image with the request body, and decodes the answer", () =>
    withStubCloud({ ...versionRoutes, [`POST ${volumes}/volumes`]: reply(202, created) }, (cloud) =>
      Effect.gen(function* () {
        const volume = yield* Cinder.createVolume({
          size: 1,
          name: "v",
          imageId: "img",
          metadata: { a: "b" }
        })
        expect(volume).toMatchObject({ id: created.volume.id, status: "creating", size: 1, bootable: false })
        const post = (yield* cloud.calls).at(-1)
        expect(post?.headers["OpenStack-API-Version"]).toBe("volume 3.70")
        expect(sentJson(post)).toEqual({
          volume: { size: 1, name: "v", imageRef: "img", metadata: { a: "b" } }
        })
      })
    )
  )

  it.effect("decodes an attached bootable volume (bootable is the string 'true')", () =>
    withStubCloud(
      { ...versionRoutes, [`GET ${volumes}/volumes/${inUse.volume.id}`]: reply(200, inUse) },
      () =>
        Effect.gen(function* () {
          const volume = yield* Cinder.getVolume(inUse.volume.id)
          expect(volume).toMatchObject({ status: "in-use", bootable: true, volumeType: "__DEFAULT__" })
          expect(volume.attachments).toEqual([
            {
              serverId: "37ac5939-588e-44db-9e4d-dc0fa50514ba",
              attachmentId: "69e62822-7b55-4590-ba75-dd70332a531a",
              device: "/dev/sda"
            }
          ])
        })
    )
  )

  it.effect("lists volumes by metadata (a JSON filter) and decodes volume types", () =>
    withStubCloud(
      {
        ...versionRoutes,
        [`GET ${volumes}/volumes/detail`]: reply(200, detail),
        [`GET ${volumes}/types`]: reply(200, types)
      },
      (cloud) =>
        Effect.gen(function* () {
          const listed = yield* Cinder.listVolumes({ metadata: { "enamel-test": "x" } })
          expect(listed.map((v) => v.status)).toEqual(["available"])
          const url = new URL((yield* cloud.calls).at(-1)?.url ?? "http://x")
          expect(url.searchParams.get("metadata")).toBe('{"enamel-test":"x"}')
          const [type] = yield* Cinder.listVolumeTypes()
          expect(type).toMatchObject({ name: "__DEFAULT__", isPublic: true })
        })
    )
  )
})
