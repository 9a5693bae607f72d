/**
 * `?dry_run=true` on the commands that attach to, change or remove an existing server's parts (and
 * network.delete), over the cloud double: each answers 200 with its plan (ids resolved, what it would
 * create or delete) and makes nothing (only reads reach the cloud); where a quota applies, one without room
 * is a 409 `quota.exceeded` naming it. (server.create, network.create, server.volume.attach:
 * `dryRun.fast.test.ts`.)
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Neutron, Nova, Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import { activeServerOf, send, TestApi, TestCallers, tokens } from "./harness.js"

const cloud = Effect.flatMap(CloudDouble.CloudDouble, (double) => double.seeded.pipe(Effect.as(double)))

/** The answer of a dry run of `path` with `body` (alice's), and the methods of the calls that reached the cloud. */
const dryRun = (method: "POST" | "DELETE", path: string, body?: unknown) =>
  Effect.gen(function* () {
    const double = yield* cloud
    const before = (yield* double.calls).length
    const answer = yield* send(method, `${path}?dry_run=true`, {
      token: tokens.alice,
      ...(body === undefined ? {} : { body })
    })
    const during = (yield* double.calls).slice(before).filter((call) => call.service !== "keystone")
    return { answer, methods: [...new Set(during.map((call) => call.method))] }
  })

/** alice's ACTIVE server with one port on her private network. */
const serverWithPort = (name: string) =>
  Effect.gen(function* () {
    const caller = (yield* TestCallers).alice
    const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (double) => double.seeded)
    const nova = yield* Nova
    return yield* Effect.gen(function* () {
      const server = yield* nova.createServer({
        name,
        flavorId: seeded.flavors["m1.tiny"] ?? "m1.tiny",
        imageId: seeded.images.tiny ?? "tiny",
        networks: [{ networkId: seeded.networks["alpha/private"] ?? "private" }]
      })
      yield* nova.waitForServerActive(server.id)
      return server.id
    }).pipe(Effect.provideService(Session, caller.session), Effect.orDie)
  })

/** A volume of `sizeGb` of alice's, attached to her server `serverId`; its id. */
const attachedVolume = (serverId: string, sizeGb: number) =>
  Effect.gen(function* () {
    const caller = (yield* TestCallers).alice
    const [nova, cinder] = [yield* Nova, yield* Cinder]
    return yield* Effect.gen(function* () {
      const volume = yield* cinder.createVolume({ size: sizeGb, name: "dry-data" })
      yield* cinder.waitForVolumeAvailable(volume.id)
      yield* nova.attachVolume(serverId, volume.id)
      yield* cinder.waitForVolumeAttached(volume.id, serverId)
      return volume.id
    }).pipe(Effect.provideService(Session, caller.session), Effect.orDie)
  })

/** alice's ACTIVE server booted from a 1 GiB volume of `tiny`. */
const volumeServer = (name: string) =>
  Effect.gen(function* () {
    const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (double) => double.seeded)
    const caller = (yield* TestCallers).alice
    const [nova, cinder] = [yield* Nova, yield* Cinder]
    return yield* Effect.gen(function* () {
      const volume = yield* cinder.createVolume({
        size: 1,
        name: `${name}-boot`,
        imageId: seeded.images.tiny ?? ""
      })
      yield* cinder.waitForVolumeAvailable(volume.id)
      const created = yield* nova.createServer({
        name,
        flavorId: seeded.flavors["m1.tiny"] ?? "",
        networks: "none",
        blockDevices: [{ sourceType: "volume", destinationType: "volume", uuid: volume.id, bootIndex: 0 }]
      })
      yield* nova.waitForServerActive(created.id)
      return { id: created.id, volumeId: volume.id }
    }).pipe(Effect.provideService(Session, caller.session), Effect.orDie)
  })

/** Runs `body` with alice's session (the double's calls as she makes them). */
const asAlice = <A, E, R>(body: Effect.Effect<A, E, R>) =>
  Effect.flatMap(TestCallers, (callers) =>
    body.pipe(Effect.provideService(Session, callers.alice.session), Effect.orDie)
  )

const firstError = (body: unknown) =>
  (body as { errors: ReadonlyArray<{ code: string; detail: string }> }).errors[0]

describe("dry run of the commands on an existing server", () => {
  layer(TestApi, { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("server.floating_ip.attach: network and port resolved, one floating IP; floatingip quota", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        const seeded = yield* double.seeded
        const serverId = yield* serverWithPort("dry-fip")
        const path = `/servers/${serverId}/floating-ips`
        const { answer, methods } = yield* dryRun("POST", path, { network: "public" })
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        expect(answer.body).toMatchObject({
          dry_run: {
            type: "server.floating_ip.attach",
            resolved: {
              [`server:${serverId}`]: serverId,
              "network:public": seeded.networks["public/public"] ?? expect.any(String),
              port: expect.any(String)
            },
            creates: { floating_ip: 1 },
            deletes: {},
            quotas: [{ service: "network", quota: "floatingip", needed: 1 }]
          }
        })
        yield* double.setQuota("alpha", { floatingIps: 0 })
        const refused = yield* dryRun("POST", path, { network: "public" })
        yield* double.setQuota("alpha", { floatingIps: 100 })
        expect(refused.answer.status).toBe(409)
        expect(firstError(refused.answer.body)).toMatchObject({ code: "quota.exceeded" })
        expect(firstError(refused.answer.body)?.detail).toContain("network quota floatingip: limit 0")
      })
    )

    it.effect("server.interface.attach: a new port (and floating IP) planned; port quota", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        const seeded = yield* double.seeded
        const serverId = yield* serverWithPort("dry-if")
        const path = `/servers/${serverId}/interfaces`
        const body = { network: "private", floating_ip: { network: "public" } }
        const { answer, methods } = yield* dryRun("POST", path, body)
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        expect(answer.body).toMatchObject({
          dry_run: {
            type: "server.interface.attach",
            resolved: {
              [`server:${serverId}`]: serverId,
              "network:private": seeded.networks["alpha/private"] ?? expect.any(String)
            },
            creates: { port: 1, floating_ip: 1 },
            deletes: {},
            quotas: [
              { service: "network", quota: "port", needed: 1 },
              { service: "network", quota: "floatingip", needed: 1 }
            ]
          }
        })
        yield* double.setQuota("alpha", { ports: 1 })
        const refused = yield* dryRun("POST", path, { network: "private" })
        yield* double.setQuota("alpha", { ports: 500 })
        expect(refused.answer.status).toBe(409)
        expect(firstError(refused.answer.body)).toMatchObject({ code: "quota.exceeded" })
        expect(firstError(refused.answer.body)?.detail).toContain("network quota port: limit 1, used")
        const unknown = yield* dryRun("POST", path, { network: "nope" })
        expect(unknown.answer.status).toBe(409)
        expect(firstError(unknown.answer.body)).toMatchObject({ code: "server.request_unresolved" })
      })
    )

    it.effect("server.resize: the new flavor's id, creates nothing; Nova's ram quota for the increase", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        const seeded = yield* double.seeded
        const serverId = yield* activeServerOf("alice", "dry-resize")
        const path = `/servers/${serverId}/resize`
        const { answer, methods } = yield* dryRun("POST", path, { flavor: "m1.small" })
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        expect(answer.body).toMatchObject({
          dry_run: {
            type: "server.resize",
            resolved: { [`server:${serverId}`]: serverId, "flavor:m1.small": seeded.flavors["m1.small"] },
            creates: {},
            deletes: {}
          }
        })
        // m1.tiny → m1.small: the same core, 512 MiB more.
        const quotas = (
          answer.body as { dry_run: { quotas: ReadonlyArray<{ quota: string; needed: number }> } }
        ).dry_run.quotas
        expect(quotas.map((q) => [q.quota, q.needed])).toEqual([["ram", 512]])
        yield* double.setQuota("alpha", { ram: 1 })
        const refused = yield* dryRun("POST", path, { flavor: "m1.small" })
        yield* double.setQuota("alpha", { ram: 204_800 })
        expect(refused.answer.status).toBe(409)
        expect(firstError(refused.answer.body)).toMatchObject({ code: "quota.exceeded" })
        expect(firstError(refused.answer.body)?.detail).toContain("compute quota ram: limit 1 MiB")
      })
    )

    it.effect("server.backup: one snapshot per volume, Cinder's quotas; over them the admission's 413", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        const serverId = yield* activeServerOf("alice", "dry-backup")
        const volumeId = yield* attachedVolume(serverId, 2)
        const path = `/servers/${serverId}/backups`
        const { answer, methods } = yield* dryRun("POST", path, { name: "dry-b", rotation: 2 })
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        expect(answer.body).toMatchObject({
          dry_run: {
            type: "server.backup",
            resolved: { [`server:${serverId}`]: serverId },
            creates: { snapshot: 1 },
            deletes: {},
            quotas: [
              { service: "volume", quota: "gigabytes", needed: 2 },
              { service: "volume", quota: "snapshots", needed: 1 }
            ]
          }
        })
        expect(JSON.stringify(answer.body)).toContain(volumeId)
        yield* double.setQuota("alpha", { snapshots: 0 })
        const refused = yield* dryRun("POST", path, { name: "dry-b" })
        yield* double.setQuota("alpha", { snapshots: 50 })
        expect(refused.answer.status).toBe(413)
        expect(firstError(refused.answer.body)).toMatchObject({ code: "backup.over_quota" })
      })
    )

    it.effect(
      "server.rebuild: the image's id and Nova's rebuild path (the double offers 2.93), nothing made",
      () =>
        Effect.gen(function* () {
          const seeded = yield* Effect.flatMap(cloud, (double) => double.seeded)
          const server = yield* volumeServer("dry-rebuild")
          const path = `/servers/${server.id}/rebuild`
          const { answer, methods } = yield* dryRun("POST", path, { image: "tiny" })
          expect(answer.status).toBe(200)
          expect(methods).toEqual(["GET"])
          expect(answer.body).toEqual({
            dry_run: {
              type: "server.rebuild",
              resolved: {
                [`server:${server.id}`]: server.id,
                "image:tiny": seeded.images.tiny,
                path: "rebuild",
                boot_volume: server.volumeId
              },
              creates: {},
              deletes: {},
              quotas: [],
              quotas_unchecked: []
            }
          })
          const notVolumeBacked = yield* dryRun(
            "POST",
            `/servers/${yield* activeServerOf("alice", "dry-rb2")}/rebuild`,
            {
              image: "tiny"
            }
          )
          expect(notVolumeBacked.answer.status).toBe(409)
        })
    )

    it.effect("the detaches: what they would delete (nothing of the user's), nothing made", () =>
      Effect.gen(function* () {
        const serverId = yield* serverWithPort("dry-detach")
        const volumeId = yield* attachedVolume(serverId, 1)
        const [port] = yield* asAlice(Neutron.listPorts({ deviceId: serverId }))
        const portId = port?.id ?? ""
        const ip = yield* asAlice(
          Effect.flatMap(Neutron.findNetwork("public"), (network) =>
            Neutron.createFloatingIp({ networkId: network.id, portId })
          )
        )
        const volume = yield* dryRun("DELETE", `/servers/${serverId}/volumes/${volumeId}`)
        expect(volume.answer.status).toBe(200)
        expect(volume.methods).toEqual(["GET"])
        expect(volume.answer.body).toMatchObject({
          dry_run: {
            type: "server.volume.detach",
            resolved: { [`volume:${volumeId}`]: volumeId },
            creates: {},
            deletes: {}
          }
        })
        const floating = yield* dryRun("DELETE", `/servers/${serverId}/floating-ips/${ip.id}`)
        expect(floating.answer.status).toBe(200)
        expect(floating.methods).toEqual(["GET"])
        expect(floating.answer.body).toMatchObject({
          dry_run: {
            type: "server.floating_ip.detach",
            resolved: { [`floating_ip:${ip.id}`]: ip.id },
            deletes: {}
          }
        })
        const iface = yield* dryRun("DELETE", `/servers/${serverId}/interfaces/${portId}`)
        expect(iface.answer.status).toBe(200)
        expect(iface.methods).toEqual(["GET"])
        expect(iface.answer.body).toMatchObject({
          dry_run: { type: "server.interface.detach", resolved: { [`port:${portId}`]: portId }, deletes: {} }
        })
      })
    )

    it.effect("server.backup.delete: the set's snapshots would go; an unknown set is a 404", () =>
      Effect.gen(function* () {
        const serverId = yield* activeServerOf("alice", "dry-backup-delete")
        const volumeId = yield* attachedVolume(serverId, 1)
        const backupId = "0d4f7c1e-5b7a-4a43-9a55-0c1d2e3f4a5b"
        yield* asAlice(
          Cinder.createSnapshot({
            volumeId,
            name: "dry-set",
            force: true,
            metadata: { enamel_server_id: serverId, enamel_backup_id: backupId }
          })
        )
        const { answer, methods } = yield* dryRun("DELETE", `/servers/${serverId}/backups/${backupId}`)
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        expect(answer.body).toMatchObject({
          dry_run: { type: "server.backup.delete", creates: {}, deletes: { backup: 1, snapshot: 1 } }
        })
        const unknown = yield* dryRun("DELETE", `/servers/${serverId}/backups/${serverId}`)
        expect(unknown.answer.status).toBe(404)
      })
    )

    it.effect("server.delete and network.delete: the server or network would go, nothing of the user's", () =>
      Effect.gen(function* () {
        const serverId = yield* serverWithPort("dry-delete")
        yield* attachedVolume(serverId, 1)
        const server = yield* dryRun("DELETE", `/servers/${serverId}`)
        expect(server.answer.status).toBe(200)
        expect(server.methods).toEqual(["GET"])
        // The port Nova made and the volume alice brought are not Enamel's: only the server goes.
        expect(server.answer.body).toEqual({
          dry_run: {
            type: "server.delete",
            resolved: { [`server:${serverId}`]: serverId },
            creates: {},
            deletes: { server: 1 },
            quotas: [],
            quotas_unchecked: []
          }
        })
        const networkId = yield* asAlice(
          Effect.gen(function* () {
            const network = yield* Neutron.createNetwork({ name: "dry-net-delete" })
            yield* Neutron.createSubnet({
              networkId: network.id,
              name: "dry-subnet",
              cidr: "10.91.0.0/24",
              ipVersion: 4
            })
            return network.id
          })
        )
        const network = yield* dryRun("DELETE", `/networks/${networkId}`)
        expect(network.answer.status).toBe(200)
        expect(network.methods).toEqual(["GET"])
        expect(network.answer.body).toMatchObject({
          dry_run: {
            type: "network.delete",
            resolved: { [`network:${networkId}`]: networkId },
            creates: {},
            deletes: { network: 1, subnet: 1 }
          }
        })
        const missing = yield* dryRun("DELETE", "/networks/5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        expect(missing.answer.status).toBe(404)
      })
    )
  })
})
