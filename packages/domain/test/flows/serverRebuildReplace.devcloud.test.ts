/**
 * `server.rebuild` by replacement against the real dev cloud. The dev cloud offers Nova 2.93 with Cinder's
 * reimage, so the flow would take the `rebuild` path; here the clients read Nova's version document as a
 * Yoga-shaped cloud would show it (newest microversion 2.90, `cloudWithNovaAt`), so the flow decides on
 * the `replace` path and runs it against real Nova, Cinder and Neutron: the server answers on the same
 * ports, fixed and floating IPs as a new server whose root volume came from the new image, the old root
 * is gone (or kept, when a backup depends on it), and `DELETE /servers/{new id}` removes everything.
 * Failures and crashes at each stage are tested on the cloud double
 * (`checklist/serverRebuildReplace.checklist.fast.test.ts`).
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Neutron, Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import { removeSnapshot } from "../../src/flows/cloud/remove.js"
import * as ServerBackup from "../../src/flows/server-backup/index.js"
import * as ServerDelete from "../../src/flows/server-delete/index.js"
import * as ServerRebuild from "../../src/flows/server-rebuild/index.js"
import { aVolumeServer } from "./support/attach.js"
import { aliceCloud, cloudWithNovaAt, newTask, timeout, uniqueName } from "./support/devcloud.js"
import { succeeded } from "./support/expectations.js"
import { anImage, volumeImageId } from "./support/images.js"

/** How the server is reached: its name and status, its ports in order with their fixed IPs, the floating IPs on them. */
const addressesOf = (serverId: string) =>
  Effect.gen(function* () {
    const server = yield* Nova.getServer(serverId)
    const ports = (yield* Nova.listInterfaces(serverId)).map(
      (i) => `${i.portId}=${i.fixedIps.map((ip) => ip.ipAddress).join(",")}`
    )
    const portIds = ports.map((p) => p.split("=")[0])
    const floating = (yield* Neutron.listFloatingIps())
      .filter((ip) => ip.portId !== null && portIds.includes(ip.portId))
      .map((ip) => `${ip.id}=${ip.floatingIpAddress}@${ip.portId}`)
      .sort()
    return { name: server.name, status: server.status, ports, floating }
  })

const rebuildParams = (serverId: string, image: string) =>
  Schema.decodeUnknownSync(ServerRebuild.RebuildRequest)({ image, server_id: serverId })

/** The server rebuilt by replacement from a new image; what it was and what it is. */
const replaced = (options: { readonly backup: boolean }) =>
  Effect.gen(function* () {
    const server = yield* aVolumeServer("replace")
    const image = yield* anImage(uniqueName("replace-image"))
    if (options.backup) {
      const params = Schema.decodeUnknownSync(ServerBackup.BackupRequest)({
        name: "before-rebuild",
        volumes: "boot",
        server_id: server.id
      })
      yield* succeeded(yield* runFlow(ServerBackup.flow, { taskId: yield* newTask(), params }))
    }
    const before = yield* addressesOf(server.id)
    expect(before.floating.length).toBe(1)
    const taskId = yield* newTask()
    const result = yield* succeeded(
      yield* runFlow(ServerRebuild.flow, { taskId, params: rebuildParams(server.id, image) }).pipe(
        Effect.provide(cloudWithNovaAt("2.90"))
      )
    )
    expect(result).toMatchObject({ path: "replace", previous_server_id: server.id })
    expect(result.server_id).not.toBe(server.id)
    expect(yield* addressesOf(result.server_id)).toEqual(before)
    expect(yield* volumeImageId(result.boot_volume_id)).toBe(image)
    expect((yield* Cinder.getVolume(result.boot_volume_id)).status).toBe("in-use")
    return { server, result }
  })

/** `DELETE /servers/{new id}`'s flow: everything Enamel made for the server is gone. */
const deletedWithEverything = (serverId: string, volumeIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const found = yield* succeeded(
      yield* runFlow(ServerDelete.flow, { taskId: crypto.randomUUID(), params: { server_id: serverId } })
    )
    expect([...found.volume_ids].sort()).toEqual([...volumeIds].sort())
    expect(found.port_ids.length).toBe(1)
    expect(found.floating_ip_ids.length).toBe(1)
  })

describe("server.rebuild by replacement on the dev cloud (Nova shown as 2.90)", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "a new server on the same ports and addresses, its root from the new image; the old root gone",
      () =>
        Effect.gen(function* () {
          const { server, result } = yield* replaced({ backup: false })
          expect(result.kept_volume_id).toBeUndefined()
          yield* Cinder.waitForVolumeDeleted(server.volumeId)
          yield* deletedWithEverything(result.server_id, [result.boot_volume_id])
        }),
      { timeout: 240_000, concurrent: true }
    )

    it.scoped(
      "an old root with a backup is kept and named in the result; the backup follows the new server",
      () =>
        Effect.gen(function* () {
          const { server, result } = yield* replaced({ backup: true })
          expect(result.kept_volume_id).toBe(server.volumeId)
          expect((yield* Cinder.getVolume(server.volumeId)).status).toBe("available")
          const snapshots = yield* Cinder.listSnapshots({ volumeId: server.volumeId })
          expect(snapshots.map((s) => s.metadata.enamel_server_id)).toEqual([result.server_id])
          yield* Effect.forEach(snapshots, (s) => removeSnapshot(s.id), { discard: true })
          yield* deletedWithEverything(result.server_id, [result.boot_volume_id, server.volumeId])
        }),
      { timeout: 240_000, concurrent: true }
    )
  })
})
