/**
 * Backups end to end on the dev cloud through the real API and a worker, checked in Cinder as alice: a
 * backup of a volume-backed server, listed; DELETE /servers/{id} refused while the server has it (409
 * naming it, nothing deleted); the backup deleted, then the server, leaving no snapshot of the set.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { asAlice, enamelServing, refused, succeeds } from "./attach.js"
import { call, deleteUserKeysAtEnd, tokenOf } from "./enamel.js"

const Enamel = enamelServing("e2e-backups", {
  "server.create": 2,
  "server.delete": 2,
  "server.backup": 2,
  "server.backup.delete": 2
})

const Created = Schema.Struct({
  servers: Schema.NonEmptyArray(Schema.Struct({ id: Schema.String, volume_id: Schema.String }))
})
const BackedUp = Schema.Struct({
  backup_id: Schema.String,
  snapshots: Schema.Array(Schema.Struct({ volume_id: Schema.String, snapshot_id: Schema.String }))
})
const Listed = Schema.Struct({
  backups: Schema.Array(Schema.Struct({ backup_id: Schema.String, name: Schema.String }))
})

describe("server backups end to end on the dev cloud", () => {
  layer(Enamel, { timeout: 600_000, excludeTestServices: true })((it) => {
    it.scoped("a backup listed, DELETE /servers/{id} refused while it exists, then both deleted", () =>
      Effect.gen(function* () {
        const alice = yield* sessionFor("alice")
        const cloud = asAlice(alice)
        yield* deleteUserKeysAtEnd(alice)
        const token = yield* tokenOf(alice)
        const name = uniqueName("e2e-bk")

        const created = Schema.decodeUnknownSync(Created)(
          yield* succeeds("POST", "/servers", token, {
            name,
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: "private" }],
            boot_volume: { size_gb: 1 }
          })
        )
        const server = created.servers[0]
        yield* Effect.addFinalizer(() => cloud(Nova.deleteServer(server.id)).pipe(Effect.ignore))

        const backup = Schema.decodeUnknownSync(BackedUp)(
          yield* succeeds("POST", `/servers/${server.id}/backups`, token, { name: `${name}-nightly` })
        )
        expect(backup.snapshots.map((s) => s.volume_id)).toEqual([server.volume_id])
        for (const { snapshot_id } of backup.snapshots) {
          expect((yield* cloud(Cinder.getSnapshot(snapshot_id))).status).toBe("available")
        }
        const listed = yield* call("GET", `/servers/${server.id}/backups`, token)
        expect(listed.status).toBe(200)
        expect(Schema.decodeUnknownSync(Listed)(listed.body).backups).toEqual(
          [{ backup_id: backup.backup_id, name: `${name}-nightly` }].map((b) => expect.objectContaining(b))
        )

        // The server's volumes are what its backup's snapshots depend on: refused, nothing deleted.
        const refusal = yield* refused("DELETE", `/servers/${server.id}`, token)
        expect(refusal).toMatchObject({ status: 409, code: "server.has_backups" })
        expect(refusal.detail).toContain(backup.backup_id)
        expect((yield* cloud(Nova.getServer(server.id))).status).toBe("ACTIVE")

        yield* succeeds("DELETE", `/servers/${server.id}/backups/${backup.backup_id}`, token)
        for (const { snapshot_id } of backup.snapshots) {
          expect(yield* cloud(Cinder.findSnapshot(snapshot_id))).toEqual(
            expect.objectContaining({ _tag: "None" })
          )
        }
        yield* succeeds("DELETE", `/servers/${server.id}`, token)
        expect(yield* cloud(Cinder.findVolume(server.volume_id))).toEqual(
          expect.objectContaining({ _tag: "None" })
        )
      })
    )
  })
})
