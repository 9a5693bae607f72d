/**
 * Arbitraries for a server's backups: `POST /servers/{id}/backups` and `DELETE
 * /servers/{id}/backups/{backup_id}` (`GET` is `readServer`'s). The caller's own ACTIVE server (booted from an image, one volume
 * attached: "all" is accepted, "boot" is a 409 naming it), another project's or unknown (404), no UUID
 * (400); for a delete, a backup set of that server (202), another UUID (404 naming the backup) or no UUID
 * (400); bodies right, wrong in one field (400, naming it), of any JSON, or not JSON. No worker runs here,
 * so the known sets stay.
 */
import { Cinder, Session } from "@enamel/openstack-clients"
import { Effect } from "effect"
import fc from "fast-check"
import { TestCallers } from "../harness.js"
import {
  attachedPart,
  type Body,
  bad,
  type KnownAttachments,
  ok,
  postToServer,
  serverPart,
  stray,
  wrongInt
} from "./attachEndpoints.js"
import { fault, idempotencyKey, other, percentEncode, type User, user, withHeaders } from "./cases.js"

/** Each user's backup set of their server: one snapshot of its volume, marked as Enamel marks a set. */
export type KnownBackups = { readonly [Who in User]: string }

const backupOf = (known: KnownAttachments, who: User) =>
  Effect.gen(function* () {
    const session = (yield* TestCallers)[who].session
    const backupId = crypto.randomUUID()
    yield* Cinder.createSnapshot({
      volumeId: known[who].volume,
      name: "fuzz-backup",
      force: true,
      metadata: { enamel_server_id: known[who].server, enamel_backup_id: backupId }
    }).pipe(Effect.provideService(Session, session), Effect.orDie)
    return backupId
  })

export const makeKnownBackups = (known: KnownAttachments) =>
  Effect.gen(function* () {
    return {
      alice: yield* backupOf(known, "alice"),
      bob: yield* backupOf(known, "bob")
    } satisfies KnownBackups
  })

const backupName = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes("\u0000"))

/** `{name, rotation?, volumes?, priority?}`. */
const backupBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          name: backupName,
          rotation: fc.integer({ min: 1, max: 100 }),
          volumes: fc.constant("all"),
          priority: fc.integer({ min: 0, max: 9 })
        },
        { requiredKeys: ["name"] }
      )
      .map(ok)
  },
  backupName.map((name) => ({ value: { name, volumes: "boot" }, faults: [fault("semantic", 409, "boot")] })),
  fc.constant(bad({}, "name")),
  fc.constantFrom("", "n".repeat(256), 3, null).map((name) => bad({ name }, "name")),
  wrongInt(1, 100).map((rotation) => bad({ name: "nightly", rotation }, "rotation")),
  fc
    .constantFrom("", "Boot", "data", 1, null, ["boot"])
    .map((volumes) => bad({ name: "nightly", volumes }, "volumes")),
  wrongInt(0, 9).map((priority) => bad({ name: "nightly", priority }, "priority")),
  stray.map((field) => bad({ name: "nightly", [field]: 1 }, field))
)

/** POST /servers/{id}/backups. */
export const createBackup = (known: KnownAttachments) =>
  postToServer(known, "backups", { body: backupBody, fields: ["name"] })

/** DELETE /servers/{id}/backups/{backup_id}. */
export const deleteBackup = (known: KnownAttachments, backups: KnownBackups) =>
  user.chain((u) =>
    fc
      .tuple(
        serverPart(known, u),
        attachedPart(backups[u], backups[other(u)], "backup_id", "backup"),
        idempotencyKey
      )
      .chain(([server, target, key]) =>
        withHeaders(u, {
          method: "DELETE",
          path: `/servers/${percentEncode(server.id)}/backups/${percentEncode(target.id)}`,
          authenticated: true,
          ok: 202,
          headers: key.value === undefined ? {} : { "idempotency-key": key.value },
          // A server that is not the caller's is a 404 naming it, whatever the backup.
          faults: [...server.faults, ...target.faults, ...key.faults]
        })
      )
  )
