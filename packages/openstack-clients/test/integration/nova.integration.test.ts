import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Glance, Neutron, Nova } from "@enamel/openstack-clients"
import { Effect, Layer } from "effect"
import { Admin } from "../support/admin.js"
import { cloudLayer, uniqueName } from "../support/cloud.js"
import {
  newSshPublicKey,
  scopedKeypair,
  scopedPort,
  scopedServer,
  scopedVolume
} from "../support/resources.js"

const live = Layer.provideMerge(Admin.Default, cloudLayer("alice"))
const requestIdPattern = /^req-[0-9a-f-]{36}$/
const missingId = "00000000-0000-4000-8000-000000000000"

describe("Nova (dev cloud, as alice)", () => {
  layer(live, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("negotiates the highest microversion both sides know", () =>
      Effect.gen(function* () {
        expect(yield* Nova.microversion).toBe("2.93")
      })
    )

    it.effect("finds flavors by name and by id; a missing one is NotFound with the request id", () =>
      Effect.gen(function* () {
        const byName = yield* Nova.findFlavor("m1.tiny")
        expect(byName).toMatchObject({ name: "m1.tiny", vcpus: 1, ram: 512, disk: 1 })
        expect(yield* Nova.findFlavor(byName.id)).toEqual(byName)
        const flavors = yield* Nova.listFlavors({ pageSize: 1 })
        expect(flavors.map((f) => f.name)).toEqual(expect.arrayContaining(["m1.tiny", "m1.small"]))

        const missing = yield* Effect.flip(Nova.getFlavor("no-such-flavor"))
        expect(missing._tag).toBe("OpenStackNotFound")
        expect(missing.status).toBe(404)
        expect(missing.service).toBe("nova")
        expect(missing.requestId).toMatch(requestIdPattern)
        expect(missing.message).toBe("Flavor no-such-flavor could not be found.")
        const unnamed = yield* Effect.flip(Nova.findFlavor("no-such-flavor"))
        expect(unnamed.message).toBe('no flavor named or with id "no-such-flavor"')
      })
    )

    it.scoped("imports, gets and deletes keypairs; a duplicate is a Conflict", () =>
      Effect.gen(function* () {
        const name = uniqueName("key")
        const publicKey = newSshPublicKey(name)
        const imported = yield* Effect.acquireRelease(Nova.importKeypair({ name, publicKey }), () =>
          Effect.ignore(Nova.deleteKeypair(name))
        )
        expect(imported).toMatchObject({ name, publicKey, type: "ssh" })
        expect(imported.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/)
        expect(yield* Nova.getKeypair(name)).toEqual(imported)

        const duplicate = yield* Effect.flip(Nova.importKeypair({ name, publicKey }))
        expect(duplicate._tag).toBe("OpenStackConflict")
        expect(duplicate.message).toBe(`Key pair '${name}' already exists.`)

        const invalid = yield* Effect.flip(
          Nova.importKeypair({ name: uniqueName("key"), publicKey: "ssh-rsa nope" })
        )
        expect(invalid._tag).toBe("OpenStackBadRequest")
        expect(invalid.message).toContain("Keypair data is invalid")

        yield* Nova.deleteKeypair(name)
        expect((yield* Effect.flip(Nova.getKeypair(name)))._tag).toBe("OpenStackNotFound")
        expect((yield* Effect.flip(Nova.deleteKeypair(name)))._tag).toBe("OpenStackNotFound")
      })
    )

    it.scoped(
      "boots servers (from a volume on a port; from an image on a network), lists them by name, tag and metadata, deletes them",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("server")
          const [image, flavor, network] = yield* Effect.all(
            [Glance.findImage("tiny"), Nova.findFlavor("m1.tiny"), Neutron.findNetwork("private")],
            { concurrency: "unbounded" }
          )
          const group = yield* Neutron.findSecurityGroup("default")
          const [volume, port, keypair] = yield* Effect.all(
            [
              Effect.tap(scopedVolume({ size: 1, imageId: image.id, name }), (v) =>
                Cinder.waitForVolumeAvailable(v.id)
              ),
              scopedPort({ networkId: network.id, name, securityGroups: [group.id], tags: [name] }),
              scopedKeypair(name)
            ],
            { concurrency: "unbounded" }
          )
          const fromVolume = yield* scopedServer({
            name,
            flavorId: flavor.id,
            networks: [{ portId: port.id }],
            blockDevices: [
              {
                sourceType: "volume",
                destinationType: "volume",
                uuid: volume.id,
                bootIndex: 0,
                deleteOnTermination: false
              }
            ],
            keyName: keypair.name,
            userData: "#cloud-config\nruncmd: [echo enamel]\n",
            metadata: { "enamel-test": name, boot: "volume" },
            tags: [name, "boot-volume"],
            availabilityZone: "nova",
            schedulerHints: { "enamel-test": name },
            description: "enamel integration test"
          })
          const fromImage = yield* scopedServer({
            name: `${name}-image`,
            flavorId: flavor.id,
            imageId: image.id,
            networks: [{ networkId: network.id }],
            securityGroups: ["default"],
            metadata: { "enamel-test": name, boot: "image" },
            tags: [name]
          })
          const [active, activeImage] = yield* Effect.all(
            [Nova.waitForServerActive(fromVolume.id), Nova.waitForServerActive(fromImage.id)],
            { concurrency: "unbounded" }
          )
          expect(active).toMatchObject({
            id: fromVolume.id,
            name,
            status: "ACTIVE",
            keyName: keypair.name,
            availabilityZone: "nova",
            metadata: { "enamel-test": name, boot: "volume" }
          })
          expect([...active.tags].sort()).toEqual(["boot-volume", name].sort())
          expect(active.volumesAttached.map((v) => v.id)).toEqual([volume.id])
          expect(
            Object.values(active.addresses)
              .flat()
              .map((a) => a.addr)
          ).toContain(port.fixedIps[0]?.ipAddress)
          expect(activeImage.securityGroups.map((g) => g.name)).toContain("default")
          expect(Object.keys(activeImage.addresses)).toEqual(["private"])

          const ids = (servers: ReadonlyArray<{ readonly id: string }>) => servers.map((s) => s.id).sort()
          expect(ids(yield* Nova.listServers({ name }))).toEqual([fromVolume.id])
          expect(ids(yield* Nova.listServers({ tags: [name], pageSize: 1 }))).toEqual(
            ids([fromVolume, fromImage])
          )
          expect(ids(yield* Nova.listServers({ tags: [name, "boot-volume"] }))).toEqual([fromVolume.id])
          expect(ids(yield* Nova.listServers({ metadata: { "enamel-test": name, boot: "image" } }))).toEqual([
            fromImage.id
          ])
          expect(
            yield* Nova.listServers({ metadata: { "enamel-test": "someone-else" }, tags: [name] })
          ).toEqual([])

          // A waiter that runs out of time says what it last saw.
          const timeout = yield* Effect.flip(Nova.waitForServerDeleted(fromImage.id, { timeout: "1 second" }))
          expect(timeout._tag).toBe("OpenStackTimeout")
          expect(timeout.message).toBe(
            `server ${fromImage.id} did not become deleted in time (last status: ACTIVE)`
          )

          const boundPort = yield* Neutron.getPort(port.id)
          expect(boundPort.deviceId).toBe(fromVolume.id)

          yield* Nova.deleteServer(fromVolume.id)
          yield* Nova.waitForServerDeleted(fromVolume.id)
          // Gone: 404, or (for a moment after the delete) still listed as DELETED.
          const afterDelete = yield* Effect.either(Nova.getServer(fromVolume.id))
          if (afterDelete._tag === "Left") expect(afterDelete.left._tag).toBe("OpenStackNotFound")
          else expect(afterDelete.right.status).toBe("DELETED")
          expect((yield* Cinder.waitForVolumeAvailable(volume.id)).attachments).toEqual([])
        })
    )

    it.scoped("a server the scheduler cannot place fails with Nova's fault message", () =>
      Effect.gen(function* () {
        const admin = yield* Admin
        const hugeFlavor = yield* admin.flavor({ disk: 10_000_000 })
        const image = yield* Glance.findImage("tiny")
        const server = yield* scopedServer({
          name: uniqueName("unplaceable"),
          flavorId: hugeFlavor,
          imageId: image.id,
          networks: "none"
        })
        const error = yield* Effect.flip(Nova.waitForServerActive(server.id))
        expect(error._tag).toBe("OpenStackResourceFailed")
        if (error._tag !== "OpenStackResourceFailed") return
        expect(error).toMatchObject({
          service: "nova",
          resource: "server",
          resourceId: server.id,
          resourceStatus: "ERROR"
        })
        expect(error.message).toContain("No valid host was found")
        const failed = yield* Nova.getServer(server.id)
        expect(failed.fault?.message).toBe(error.message)
      })
    )

    it.effect("error paths: unknown server, bad request", () =>
      Effect.gen(function* () {
        const missing = yield* Effect.flip(Nova.getServer(missingId))
        expect(missing).toMatchObject({ _tag: "OpenStackNotFound", status: 404, service: "nova" })
        expect(missing.message).toBe(`Instance ${missingId} could not be found.`)
        expect((yield* Effect.flip(Nova.deleteServer(missingId)))._tag).toBe("OpenStackNotFound")

        const image = yield* Glance.findImage("tiny")
        const bad = yield* Effect.flip(
          Nova.createServer({
            name: uniqueName("bad"),
            flavorId: "no-such-flavor",
            imageId: image.id,
            networks: "none"
          })
        )
        expect(bad._tag).toBe("OpenStackBadRequest")
        expect(bad.status).toBe(400)
        expect(bad.message).toContain("Flavor no-such-flavor could not be found")
      })
    )
  })
})
