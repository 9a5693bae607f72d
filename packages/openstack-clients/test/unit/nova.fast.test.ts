import { describe, expect, it } from "@effect/vitest"
import { Nova, serverCreateBody } from "@enamel/openstack-clients"
import { Effect } from "effect"
import flavors from "../fixtures/nova-flavors.json"
import keypair from "../fixtures/nova-keypair.json"
import server from "../fixtures/nova-server.json"
import created from "../fixtures/nova-server-created.json"
import serversDetail from "../fixtures/nova-servers-detail.json"
import { reply, sentJson, versionRoutes, withStubCloud } from "../support/stubCloud.js"

const serverId = server.server.id

describe("Nova (stub cloud, Zed responses)", () => {
  it.effect("decodes a server: status, fault-free, addresses, volumes, tags, metadata, key, zone", () =>
    withStubCloud({ ...versionRoutes, [`GET nova.test/v2.1/servers/${serverId}`]: reply(200, server) }, () =>
      Effect.gen(function* () {
        const decoded = yield* Nova.getServer(serverId)
        expect(decoded).toMatchObject({
          id: serverId,
          name: "enamel-fixture-c115e548",
          status: "ACTIVE",
          taskState: null,
          keyName: "enamel-fixture-c115e548",
          availabilityZone: "nova",
          metadata: { "enamel-test": "enamel-fixture-c115e548" },
          tags: ["enamel-fixture-c115e548"],
          volumesAttached: [{ id: "8312e1c8-7c3c-4f6e-a0a1-255adab0bf11", deleteOnTermination: false }],
          securityGroups: [{ name: "default" }]
        })
        expect(decoded.fault).toBeUndefined()
        expect(decoded.addresses.private).toEqual([
          { addr: "10.0.1.161", version: 4, type: "fixed" },
          { addr: "172.24.4.201", version: 4, type: "floating" }
        ])
      })
    )
  )

  it.effect("creates a server with the whole request body, and returns its id", () =>
    withStubCloud({ ...versionRoutes, "POST nova.test/v2.1/servers": reply(202, created) }, (cloud) =>
      Effect.gen(function* () {
        const result = yield* Nova.createServer({
          name: "web-1",
          flavorId: "f1",
          networks: [{ portId: "port-1" }, { networkId: "net-1", fixedIp: "10.0.0.5" }],
          blockDevices: [
            {
              sourceType: "volume",
              destinationType: "volume",
              uuid: "vol-1",
              bootIndex: 0,
              deleteOnTermination: false
            }
          ],
          keyName: "key",
          securityGroups: ["default", "web"],
          userData: "#cloud-config\n",
          metadata: { owner: "enamel" },
          tags: ["t1"],
          availabilityZone: "nova",
          schedulerHints: { group: "sg-1", different_host: ["a", "b"] }
        })
        expect(result).toEqual({ id: serverId })
        const post = (yield* cloud.calls).find((c) => c.method === "POST" && c.url.endsWith("/servers"))
        expect(post?.headers["OpenStack-API-Version"]).toBe("compute 2.93")
        expect(sentJson(post)).toEqual({
          server: {
            name: "web-1",
            flavorRef: "f1",
            networks: [{ port: "port-1" }, { uuid: "net-1", fixed_ip: "10.0.0.5" }],
            block_device_mapping_v2: [
              {
                source_type: "volume",
                destination_type: "volume",
                uuid: "vol-1",
                boot_index: 0,
                delete_on_termination: false
              }
            ],
            key_name: "key",
            security_groups: [{ name: "default" }, { name: "web" }],
            user_data: "I2Nsb3VkLWNvbmZpZwo=",
            metadata: { owner: "enamel" },
            tags: ["t1"],
            availability_zone: "nova"
          },
          "os:scheduler_hints": { group: "sg-1", different_host: ["a", "b"] }
        })
      })
    )
  )

  it("writes `networks: none` and leaves out what was not asked for", () => {
    expect(
      JSON.parse(
        JSON.stringify(serverCreateBody({ name: "n", flavorId: "f", imageId: "i", networks: "none" }))
      )
    ).toEqual({
      server: { name: "n", flavorRef: "f", imageRef: "i", networks: "none" }
    })
  })

  it.effect("lists servers by exact name (escaped regex), tags, and metadata (filtered here)", () =>
    withStubCloud(
      { ...versionRoutes, "GET nova.test/v2.1/servers/detail": reply(200, serversDetail) },
      (cloud) =>
        Effect.gen(function* () {
          const all = yield* Nova.listServers({ name: "web.1 (x)", tags: ["a", "b"] })
          expect(all.map((s) => s.id)).toEqual([serverId])
          const call = (yield* cloud.calls).find((c) => c.url.includes("/servers/detail"))
          const query = new URL(call?.url ?? "http://x").searchParams
          expect(query.get("name")).toBe("^web\\.1 \\(x\\)$")
          expect(query.get("tags")).toBe("a,b")
          expect(
            yield* Nova.listServers({ metadata: { "enamel-test": "enamel-fixture-c115e548" } })
          ).toHaveLength(1)
          expect(yield* Nova.listServers({ metadata: { "enamel-test": "other" } })).toEqual([])
        })
    )
  )

  it.effect("decodes flavors and finds one by name when the id lookup is NotFound", () =>
    withStubCloud(
      {
        ...versionRoutes,
        "GET nova.test/v2.1/flavors/m1.tiny": reply(404, {
          itemNotFound: { code: 404, message: "Flavor m1.tiny could not be found." }
        }),
        "GET nova.test/v2.1/flavors/detail": reply(200, flavors)
      },
      () =>
        Effect.gen(function* () {
          const flavor = yield* Nova.findFlavor("m1.tiny")
          expect(flavor).toMatchObject({ name: "m1.tiny", vcpus: 1, ram: 512, disk: 1 })
        })
    )
  )

  it.effect("imports a keypair and decodes it", () =>
    withStubCloud({ ...versionRoutes, "POST nova.test/v2.1/os-keypairs": reply(200, keypair) }, (cloud) =>
      Effect.gen(function* () {
        const imported = yield* Nova.importKeypair({
          name: keypair.keypair.name,
          publicKey: keypair.keypair.public_key
        })
        expect(imported).toEqual({
          name: keypair.keypair.name,
          publicKey: keypair.keypair.public_key,
          fingerprint: "25:10:16:b8:56:c6:e0:b8:02:5c:38:e9:5b:8b:80:98",
          type: "ssh"
        })
        expect(sentJson((yield* cloud.calls).at(-1))).toEqual({
          keypair: { name: keypair.keypair.name, public_key: keypair.keypair.public_key, type: "ssh" }
        })
      })
    )
  )
})
