/**
 * Every client mistake the API's tests name, as a table: what is sent, what comes back (status, code,
 * and the detail: exactly, or the field it must mention). `api.fast.test.ts` checks each answer;
 * `openapi.fast.test.ts` checks each against `/openapi.json` and a client made from the contract.
 */
import { ErrorCode } from "@enamel/domain"
import { registry } from "@enamel/domain/flows"
import { Cinder, Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Context, Effect, Layer } from "effect"
import { callbackErrorCases } from "./errorCases.callbacks.js"
import { type NetworkFixtures, networkErrorCases, networkFixtures } from "./errorCases.network.js"
import { networkCreateErrorCases } from "./errorCases.networkCreate.js"
import { rebuildErrorCases } from "./errorCases.rebuild.js"
import { type Answer, activeServerOf, send, serverOf, snapshotOf, TestCallers, tokens } from "./harness.js"

/** A valid `POST /servers` body. */
export const server = {
  name: "web",
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 1 },
  networks: [{ network: "private", floating_ip: { network: "public" } }]
}

/**
 * What some cases refer to, made once in the cloud double: a server of bob's (another project's), one
 * of alice's booted from an image with no volume (ACTIVE, on m1.tiny), a snapshot of bob's and a 2 GiB
 * one of alice's; and two flavors named `m1.twin`, which Nova allows, so that the name is ambiguous.
 */
export class Fixtures extends Context.Tag("@enamel/api/test/Fixtures")<
  Fixtures,
  {
    readonly bobServer: string
    readonly aliceImageServer: string
    readonly aliceBackedUp: { readonly server: string; readonly backup: string }
    readonly bobSnapshot: string
    readonly aliceLargeSnapshot: string
    readonly networks: NetworkFixtures
  }
>() {}

/** A server of alice's with one backup set: a snapshot of a volume of hers, marked as Enamel marks a set. */
const backedUpServerOf = (who: keyof typeof tokens) =>
  Effect.gen(function* () {
    const server = yield* serverOf(who, "backed-up")
    const backup = crypto.randomUUID()
    yield* Effect.gen(function* () {
      const volume = yield* Cinder.createVolume({ size: 1, name: "backed-up-data" })
      yield* Cinder.waitForVolumeAvailable(volume.id)
      yield* Cinder.createSnapshot({
        volumeId: volume.id,
        name: "nightly",
        metadata: { enamel_server_id: server, enamel_backup_id: backup }
      })
    }).pipe(Effect.provideService(Session, (yield* TestCallers)[who].session), Effect.orDie)
    return { server, backup }
  })

export const twinFlavor = "m1.twin"

export const FixturesLive = Layer.effect(
  Fixtures,
  Effect.gen(function* () {
    const cloud = yield* CloudDouble.CloudDouble
    yield* Effect.repeatN(cloud.addFlavor({ name: twinFlavor, vcpus: 1, ram: 1024, disk: 2 }), 1)
    return yield* Effect.all({
      bobServer: serverOf("bob"),
      aliceImageServer: activeServerOf("alice", "from-image"),
      aliceBackedUp: backedUpServerOf("alice"),
      bobSnapshot: snapshotOf("bob", 1),
      aliceLargeSnapshot: snapshotOf("alice", 2),
      networks: networkFixtures
    })
  })
)

const nobody = "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11"

export interface ErrorCase {
  readonly name: string
  readonly method: string
  readonly path: string | ((fixtures: Fixtures["Type"]) => string)
  readonly token?: string
  readonly body?: unknown
  /** Or a body with what it refers to. */
  readonly fixtureBody?: (fixtures: Fixtures["Type"]) => unknown
  readonly raw?: string
  readonly headers?: Record<string, string>
  readonly status: number
  readonly code: string
  /** The whole detail, word for word. */
  readonly detail?: string | ((fixtures: Fixtures["Type"]) => string)
  /** Or a part of it: the field, parameter or header at fault. */
  readonly mentions?: string
}

export const errorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "no token",
    method: "POST",
    path: "/servers",
    body: server,
    status: 401,
    code: ErrorCode.authInvalidToken
  },
  {
    name: "bad token",
    method: "GET",
    path: "/tasks",
    token: "nope",
    status: 401,
    code: ErrorCode.authInvalidToken
  },
  {
    name: "broken JSON",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "{",
    status: 400,
    code: ErrorCode.requestMalformed,
    detail: "body: not valid JSON"
  },
  {
    name: "not JSON",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "name=web",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    code: ErrorCode.requestUnsupportedMediaType,
    detail: "Content-Type: send the body as application/json"
  },
  {
    name: "too large",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, user_data: "x".repeat(300_000) },
    status: 413,
    code: ErrorCode.requestTooLarge,
    detail: "the body is larger than 262144 bytes"
  },
  {
    name: "no image",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, image: undefined },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "image: is required (or boot_volume.snapshot)"
  },
  {
    name: "an image and a snapshot to boot from",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, boot_volume: { snapshot: nobody } },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: `image: give image or boot_volume.snapshot, not both: the boot volume is made from snapshot ${nobody}`
  },
  {
    name: "a boot volume with neither size_gb nor snapshot",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, boot_volume: { volume_type: "lvm" } },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "boot_volume.size_gb: is required (or snapshot)"
  },
  {
    name: "booting from another project's snapshot",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    fixtureBody: ({ bobSnapshot }) => ({
      ...server,
      image: undefined,
      boot_volume: { snapshot: bobSnapshot }
    }),
    status: 404,
    code: ErrorCode.snapshotNotFound,
    detail: ({ bobSnapshot }) => `snapshot ${bobSnapshot} not found`
  },
  {
    name: "booting from a snapshot larger than size_gb",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    fixtureBody: ({ aliceLargeSnapshot }) => ({
      ...server,
      image: undefined,
      boot_volume: { snapshot: aliceLargeSnapshot, size_gb: 1 }
    }),
    status: 409,
    code: ErrorCode.volumeSmallerThanSnapshot,
    detail: ({ aliceLargeSnapshot }) =>
      `size_gb 1 is smaller than snapshot ${aliceLargeSnapshot} (2 GiB); leave size_gb out to take the snapshot's size`
  },
  {
    name: "booting from a snapshot that does not exist (or is another project's)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, image: undefined, boot_volume: { snapshot: nobody } },
    status: 404,
    code: ErrorCode.snapshotNotFound,
    detail: `snapshot ${nobody} not found`
  },
  {
    name: "count 0 (said 'Expected undefined' too)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, count: 0 },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "count: must be an integer from 1 to 20, not 0"
  },
  {
    name: "a name too long (was told the field's description)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, name: "w".repeat(300) },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "name: must be at most 255 characters long, not 300"
  },
  {
    name: "networks of the wrong type (was a schema dump)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: "private" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "networks: must be an array, not a string"
  },
  {
    name: "Nova's key_name for keypair (was accepted, the keypair dropped)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, key_name: "mykey" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "key_name: is not a field of this request; did you mean keypair?"
  },
  {
    name: "an unknown field (was ignored)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, colour: "blue" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail:
      "colour: is not a field of this request (the fields here: name, count, image, flavor, boot_volume, " +
      "networks, keypair, user_data, metadata, availability_zone, priority, on_failure)"
  },
  {
    name: "an on_failure that is neither rollback nor keep",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, on_failure: "retry" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'on_failure: must be rollback or keep, not "retry"'
  },
  {
    name: "an unknown nested field (was ignored)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: [{ network: "private", network_id: "n-1" }] },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "networks[0].network_id: is not a field of this request; did you mean network?"
  },
  {
    name: "an address that cannot be one (was a task that failed later)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: [{ network: "private", fixed_ip: "10.0.0.300" }] },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'networks[0].fixed_ip: must be an IPv4 or IPv6 address, not "10.0.0.300"'
  },
  {
    name: "a fixed IP on the default network (network auto), whose subnet is not made yet",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: [{ network: "auto", fixed_ip: "10.0.0.5" }] },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail:
      'networks[0].fixed_ip: cannot be given with network "auto": its subnet is not known before it is made'
  },
  {
    name: "every problem, once each",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, count: 21, priority: -1, boot_volume: { size_gb: 0 } },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail:
      "count: must be an integer from 1 to 20, not 21; boot_volume.size_gb: must be an integer from 1 to " +
      "16384, not 0; priority: must be an integer from 0 to 9, not -1"
  },
  {
    name: "network and port at once",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: [{ network: "private", port: nobody }] },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "networks[0]: must give exactly one of network or port"
  },
  {
    name: "no networks",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: [] },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "networks: must not be empty"
  },
  {
    name: "bad public key",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, keypair: { name: "k", public_key: "hello" } },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'keypair.public_key: must be an OpenSSH public key, not "hello"'
  },
  {
    name: "an empty Idempotency-Key",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: server,
    headers: { "idempotency-key": "" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "idempotency-key: must not be empty"
  },
  {
    name: "bad limit",
    method: "GET",
    path: "/tasks?limit=abc",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'limit: must be an integer from 1 to 1000, not "abc"'
  },
  {
    name: "a state that is none",
    method: "GET",
    path: "/tasks?state=done",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail:
      'state: must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLING, CANCELLED, ROLLING_BACK, ROLLED_BACK, active, all, not "done"'
  },
  {
    name: "limit given twice",
    method: "GET",
    path: "/tasks?limit=1&limit=2",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "limit: must be given once"
  },
  {
    name: "a marker of no task",
    method: "GET",
    path: `/tasks?marker=${nobody}`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.taskMarkerNotFound,
    mentions: "marker"
  },
  {
    name: "bad task id",
    method: "GET",
    path: "/tasks/not-a-uuid",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'id: must be a UUID, not "not-a-uuid"'
  },
  {
    name: "bad Last-Event-ID",
    method: "GET",
    path: `/tasks/${nobody}/events`,
    token: tokens.alice,
    headers: { "last-event-id": "soon" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'last-event-id: must be an integer, not "soon"'
  },
  {
    name: "unknown task",
    method: "GET",
    path: `/tasks/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.taskNotFound,
    mentions: nobody
  },
  {
    name: "cancelling an unknown task",
    method: "POST",
    path: `/tasks/${nobody}/cancel`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.taskNotFound
  },
  {
    name: "retrying an unknown task",
    method: "POST",
    path: `/tasks/${nobody}/retry`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.taskNotFound
  },
  {
    name: "rolling back an unknown task",
    method: "POST",
    path: `/tasks/${nobody}/rollback`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.taskNotFound
  },
  {
    name: "deleting a server that does not exist (was 202, then a failed task)",
    method: "DELETE",
    path: `/servers/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: `server ${nobody} not found`
  },
  {
    name: "deleting another project's server (was 202, then a failed task)",
    method: "DELETE",
    path: ({ bobServer }) => `/servers/${bobServer}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "attaching a volume to another project's server",
    method: "POST",
    path: ({ bobServer }) => `/servers/${bobServer}/volumes`,
    token: tokens.alice,
    body: { size_gb: 1 },
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "attaching a new volume and an existing one at once",
    method: "POST",
    path: `/servers/${nobody}/volumes`,
    token: tokens.alice,
    body: { size_gb: 1, volume: nobody },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "body: must give exactly one of size_gb (or snapshot) or volume"
  },
  {
    name: "attaching a new volume from a snapshot that does not exist (or is another project's)",
    method: "POST",
    path: ({ aliceImageServer }) => `/servers/${aliceImageServer}/volumes`,
    token: tokens.alice,
    body: { snapshot: nobody },
    status: 404,
    code: ErrorCode.snapshotNotFound,
    detail: `snapshot ${nobody} not found`
  },
  {
    name: "attaching a volume with a field the API does not have",
    method: "POST",
    path: `/servers/${nobody}/volumes`,
    token: tokens.alice,
    body: { size: 1 },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "size"
  },
  {
    name: "detaching a volume from a server that does not exist",
    method: "DELETE",
    path: `/servers/${nobody}/volumes/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: `server ${nobody} not found`
  },
  {
    name: "detaching a volume whose id is no UUID",
    method: "DELETE",
    path: `/servers/${nobody}/volumes/data-1`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'volume_id: must be a UUID, not "data-1"'
  },
  {
    name: "a floating IP for another project's server",
    method: "POST",
    path: ({ bobServer }) => `/servers/${bobServer}/floating-ips`,
    token: tokens.alice,
    body: { network: "public" },
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "a floating IP without its network",
    method: "POST",
    path: `/servers/${nobody}/floating-ips`,
    token: tokens.alice,
    body: { port: nobody },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "network"
  },
  {
    name: "taking a floating IP off a server that does not exist",
    method: "DELETE",
    path: `/servers/${nobody}/floating-ips/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: `server ${nobody} not found`
  },
  {
    name: "an interface for another project's server",
    method: "POST",
    path: ({ bobServer }) => `/servers/${bobServer}/interfaces`,
    token: tokens.alice,
    body: { network: "private" },
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "an interface on a network and an existing port at once",
    method: "POST",
    path: `/servers/${nobody}/interfaces`,
    token: tokens.alice,
    body: { network: "private", port: nobody },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "body: must give exactly one of network or port"
  },
  {
    name: "detaching an interface from a server that does not exist",
    method: "DELETE",
    path: `/servers/${nobody}/interfaces/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: `server ${nobody} not found`
  },
  {
    name: "resizing another project's server",
    method: "POST",
    path: ({ bobServer }) => `/servers/${bobServer}/resize`,
    token: tokens.alice,
    body: { flavor: "m1.small" },
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "resizing to a flavor that does not exist",
    method: "POST",
    path: ({ aliceImageServer }) => `/servers/${aliceImageServer}/resize`,
    token: tokens.alice,
    body: { flavor: "m9.huge" },
    status: 404,
    code: ErrorCode.flavorNotFound,
    detail: "flavor m9.huge not found"
  },
  {
    name: "resizing to the flavor the server has",
    method: "POST",
    path: ({ aliceImageServer }) => `/servers/${aliceImageServer}/resize`,
    token: tokens.alice,
    body: { flavor: "m1.tiny" },
    status: 409,
    code: ErrorCode.serverFlavorUnchanged,
    detail: ({ aliceImageServer }) => `server ${aliceImageServer} is on flavor m1.tiny already`
  },
  {
    name: "resizing to a flavor name two flavors have",
    method: "POST",
    path: ({ aliceImageServer }) => `/servers/${aliceImageServer}/resize`,
    token: tokens.alice,
    body: { flavor: twinFlavor },
    status: 409,
    code: ErrorCode.flavorAmbiguous,
    detail: `flavor ${twinFlavor} names several flavors: give its id`
  },
  {
    name: "resizing without a flavor",
    method: "POST",
    path: `/servers/${nobody}/resize`,
    token: tokens.alice,
    body: { priority: 3 },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "flavor"
  },
  {
    name: "resizing with a field the API does not have",
    method: "POST",
    path: `/servers/${nobody}/resize`,
    token: tokens.alice,
    body: { flavor: "m1.small", flavorRef: "m1.small" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "flavorRef"
  },
  {
    name: "showing another project's server",
    method: "GET",
    path: ({ bobServer }) => `/servers/${bobServer}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "showing a server whose id is no UUID",
    method: "GET",
    path: "/servers/web-1",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'id: must be a UUID, not "web-1"'
  },
  {
    name: "backing up another project's server",
    method: "POST",
    path: ({ bobServer }) => `/servers/${bobServer}/backups`,
    token: tokens.alice,
    body: { name: "nightly" },
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "backing up the boot volume of a server booted from an image",
    method: "POST",
    path: ({ aliceImageServer }) => `/servers/${aliceImageServer}/backups`,
    token: tokens.alice,
    body: { name: "nightly", volumes: "boot" },
    status: 409,
    code: ErrorCode.backupNoVolume,
    detail: ({ aliceImageServer }) =>
      `server ${aliceImageServer} has no boot volume (it boots from an image): back up "all" its volumes instead`
  },
  {
    name: "backing up a server with no volume at all",
    method: "POST",
    path: ({ aliceImageServer }) => `/servers/${aliceImageServer}/backups`,
    token: tokens.alice,
    body: { name: "nightly" },
    status: 409,
    code: ErrorCode.backupNoVolume,
    detail: ({ aliceImageServer }) =>
      `server ${aliceImageServer} has no volume attached: there is nothing to back up`
  },
  {
    name: "a backup without its name",
    method: "POST",
    path: `/servers/${nobody}/backups`,
    token: tokens.alice,
    body: { rotation: 2 },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "name: is required"
  },
  {
    name: "a rotation of 0",
    method: "POST",
    path: `/servers/${nobody}/backups`,
    token: tokens.alice,
    body: { name: "nightly", rotation: 0 },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "rotation"
  },
  {
    name: "volumes neither boot nor all",
    method: "POST",
    path: `/servers/${nobody}/backups`,
    token: tokens.alice,
    body: { name: "nightly", volumes: "data" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "volumes"
  },
  {
    name: "a backup with a field the API does not have",
    method: "POST",
    path: `/servers/${nobody}/backups`,
    token: tokens.alice,
    body: { name: "nightly", keep: 3 },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "keep"
  },
  {
    name: "listing the backups of another project's server",
    method: "GET",
    path: ({ bobServer }) => `/servers/${bobServer}/backups`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "deleting a backup the server does not have",
    method: "DELETE",
    path: ({ aliceImageServer }) => `/servers/${aliceImageServer}/backups/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.backupNotFound,
    detail: ({ aliceImageServer }) => `server ${aliceImageServer} has no backup ${nobody}`
  },
  {
    name: "deleting a backup whose id is no UUID",
    method: "DELETE",
    path: `/servers/${nobody}/backups/nightly`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'backup_id: must be a UUID, not "nightly"'
  },
  {
    name: "deleting a server that has backups (its volumes could not be deleted)",
    method: "DELETE",
    path: ({ aliceBackedUp }) => `/servers/${aliceBackedUp.server}`,
    token: tokens.alice,
    status: 409,
    code: ErrorCode.serverHasBackups,
    detail: ({ aliceBackedUp: { server, backup } }) =>
      `server ${server} has backups ${backup}, whose snapshots depend on its volumes; delete them first ` +
      `(DELETE /servers/${server}/backups/{backup_id}), or with the server (DELETE /servers/${server}?delete_backups=true)`
  },
  {
    name: "deleting a server that has backups, delete_backups=false",
    method: "DELETE",
    path: ({ aliceBackedUp }) => `/servers/${aliceBackedUp.server}?delete_backups=false`,
    token: tokens.alice,
    status: 409,
    code: ErrorCode.serverHasBackups,
    mentions: "delete_backups=true"
  },
  {
    name: "delete_backups that is neither true nor false",
    method: "DELETE",
    path: ({ aliceBackedUp }) => `/servers/${aliceBackedUp.server}?delete_backups=maybe`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'delete_backups: must be true or false, not "maybe"'
  },
  {
    name: "delete_backups given twice",
    method: "DELETE",
    path: ({ aliceBackedUp }) => `/servers/${aliceBackedUp.server}?delete_backups=true&delete_backups=true`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "delete_backups: must be given once"
  },
  {
    name: "a misspelt query parameter on a command (was ignored: the 409 said nothing of it)",
    method: "DELETE",
    path: ({ aliceBackedUp }) => `/servers/${aliceBackedUp.server}?delete_backup=true`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "delete_backup: is not a query parameter of this request; did you mean delete_backups?"
  },
  {
    name: "an on_failure that is neither rollback nor keep, on a command without a body",
    method: "DELETE",
    path: ({ aliceBackedUp }) => `/servers/${aliceBackedUp.server}?on_failure=ignore`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'on_failure: must be rollback or keep, not "ignore"'
  },
  {
    name: "a query parameter a command does not have",
    method: "DELETE",
    path: ({ aliceBackedUp }) => `/servers/${aliceBackedUp.server}?force=1`,
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail:
      "force: is not a query parameter of this request (the parameters here: delete_backups, on_failure, dry_run)"
  },
  {
    name: "deleting a server whose id is no UUID",
    method: "DELETE",
    path: "/servers/web-1",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'id: must be a UUID, not "web-1"'
  },
  {
    name: "a body on DELETE that is not JSON",
    method: "DELETE",
    path: `/servers/${nobody}`,
    token: tokens.alice,
    raw: "yes",
    headers: { "content-type": "text/plain" },
    status: 415,
    code: ErrorCode.requestUnsupportedMediaType,
    mentions: "Content-Type"
  },
  {
    name: "unknown route",
    method: "GET",
    path: "/nothing",
    token: tokens.alice,
    status: 404,
    code: ErrorCode.resourceNotFound,
    detail: "no such resource: GET /nothing"
  },
  {
    name: "unserved microversion",
    method: "GET",
    path: "/",
    headers: { "openstack-api-version": "enamel 9.9" },
    status: 406,
    code: ErrorCode.apiVersionNotAcceptable,
    detail: "OpenStack-API-Version: this server serves enamel 1.0 to 1.0"
  },
  {
    name: "all_projects as a member",
    method: "GET",
    path: "/tasks?all_projects=true",
    token: tokens.alice,
    status: 403,
    code: ErrorCode.policyForbidden,
    mentions: "enamel:task:all_projects"
  },
  // A reader (Keystone's `reader` role only) reads, and changes nothing: every command's rule, and the
  // task actions, refuse her before anything is looked at (a task that does not exist: 403, not 404).
  ...registry.commands.map(
    (command): ErrorCase => ({
      name: `a reader asks ${command.type}`,
      method: command.method,
      path: command.path.replaceAll(/:\w+/g, nobody),
      token: tokens.carol,
      ...(command.method === "DELETE" ? {} : { body: {} }),
      status: 403,
      code: ErrorCode.policyForbidden,
      detail:
        `Policy does not allow ${command.rule} to be performed (${command.rule}: "rule:member"; ` +
        "the token's roles: reader)"
    })
  ),
  {
    name: "a reader asks a dry run",
    method: "POST",
    path: "/servers?dry_run=true",
    token: tokens.carol,
    body: server,
    status: 403,
    code: ErrorCode.policyForbidden,
    mentions: "enamel:server:create"
  },
  ...(["cancel", "retry", "rollback"] as const).map(
    (action): ErrorCase => ({
      name: `a reader asks ${action} of a task`,
      method: "POST",
      path: `/tasks/${nobody}/${action}`,
      token: tokens.carol,
      status: 403,
      code: ErrorCode.policyForbidden,
      mentions: `enamel:task:${action}`
    })
  ),
  {
    name: "a reader deletes a task",
    method: "DELETE",
    path: `/tasks/${nobody}`,
    token: tokens.carol,
    status: 403,
    code: ErrorCode.policyForbidden,
    mentions: "enamel:task:delete"
  },
  {
    name: "a reader lists every project's tasks",
    method: "GET",
    path: "/tasks?all_projects=true",
    token: tokens.carol,
    status: 403,
    code: ErrorCode.policyForbidden,
    mentions: "enamel:task:all_projects"
  },
  {
    name: "a reader lists the topics",
    method: "GET",
    path: "/admin/topics",
    token: tokens.carol,
    status: 403,
    code: ErrorCode.policyForbidden,
    mentions: "enamel:admin:topic:list"
  },
  // Found by the fuzzer (fuzz.test.ts): each was a 5xx, a hang, or a silently accepted mistake.
  {
    name: "NUL in the list's type (was 503: PostgreSQL refused it)",
    method: "GET",
    path: "/tasks?type=server%00create",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "type: must be text without NUL characters or unpaired surrogates"
  },
  {
    name: "NUL in a name (was 503)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, name: "web\u0000" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "name"
  },
  {
    name: "unpaired surrogate in user_data (was 503)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, user_data: "x\ud800" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "user_data"
  },
  {
    name: "empty metadata key (was accepted and dropped)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, metadata: { "": "v" } },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'metadata: keys must be 1 to 255 characters of text, not ""'
  },
  {
    name: "body nested 20,000 deep (was 500: the error formatter overflowed)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
    status: 400,
    code: ErrorCode.requestTooDeep,
    detail: "body: nested deeper than 32 levels"
  },
  {
    name: "a body that is not an object",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "42",
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "body: must be an object, not a number"
  },
  {
    name: "unknown Content-Type with an empty body (hung once the depth check read the body)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "",
    headers: { "content-type": "7q" },
    status: 415,
    code: ErrorCode.requestUnsupportedMediaType,
    mentions: "Content-Type"
  },
  {
    name: "multipart/form-data with an empty body (a 500 seen while fuzzing)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "",
    headers: { "content-type": "multipart/form-data" },
    status: 415,
    code: ErrorCode.requestUnsupportedMediaType,
    mentions: "Content-Type"
  },
  // The admin API (`/admin/topics`, `/admin/drain`): the admin role only (policy rules enamel:admin:…).
  {
    name: "a member lists the topics",
    method: "GET",
    path: "/admin/topics",
    token: tokens.alice,
    status: 403,
    code: ErrorCode.policyForbidden,
    detail:
      'Policy does not allow enamel:admin:topic:list to be performed (enamel:admin:topic:list: "rule:admin"; ' +
      "the token's roles: member, reader)"
  },
  {
    name: "a member tunes a topic",
    method: "PATCH",
    path: "/admin/topics/server.create",
    token: tokens.alice,
    body: { concurrency: 1 },
    status: 403,
    code: ErrorCode.policyForbidden,
    mentions: "enamel:admin:topic:set"
  },
  {
    name: "a member drains the fleet",
    method: "POST",
    path: "/admin/drain",
    token: tokens.bob,
    status: 403,
    code: ErrorCode.policyForbidden,
    mentions: "enamel:admin:drain"
  },
  {
    name: "no token for the admin API",
    method: "GET",
    path: "/admin/topics",
    status: 401,
    code: ErrorCode.authInvalidToken
  },
  {
    name: "a topic that is no task type",
    method: "PATCH",
    path: "/admin/topics/server.reboot",
    token: tokens.admin,
    body: { paused: true },
    status: 404,
    code: ErrorCode.topicNotFound,
    detail: `"server.reboot" is not a topic; the topics are ${registry.commands.map((command) => command.type).join(", ")}`
  },
  {
    name: "concurrency 0",
    method: "PATCH",
    path: "/admin/topics/server.create",
    token: tokens.admin,
    body: { concurrency: 0 },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "concurrency: must be an integer from 1 to 10000, not 0"
  },
  {
    name: "a topic change with a field it does not have",
    method: "PATCH",
    path: "/admin/topics/server.create",
    token: tokens.admin,
    body: { concurency: 3 },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "concurency: is not a field of this request; did you mean concurrency?"
  },
  {
    name: "paused as a word",
    method: "PATCH",
    path: "/admin/topics/server.create",
    token: tokens.admin,
    body: { paused: "yes" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'paused: must be true or false, not "yes"'
  },
  {
    name: "a topic change that is not JSON",
    method: "PATCH",
    path: "/admin/topics/server.create",
    token: tokens.admin,
    raw: "{",
    status: 400,
    code: ErrorCode.requestMalformed,
    detail: "body: not valid JSON"
  },
  {
    name: "a topic change as a form",
    method: "PATCH",
    path: "/admin/topics/server.create",
    token: tokens.admin,
    raw: "paused=true",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    code: ErrorCode.requestUnsupportedMediaType,
    mentions: "Content-Type"
  },
  ...rebuildErrorCases,
  ...callbackErrorCases,
  ...networkErrorCases,
  ...networkCreateErrorCases
]

/** The case's path, with what it refers to. */
export const pathOf = (c: ErrorCase, fixtures: Fixtures["Type"]) =>
  typeof c.path === "string" ? c.path : c.path(fixtures)

/** The case's body, with what it refers to. */
export const bodyOf = (c: ErrorCase, fixtures: Fixtures["Type"]): unknown =>
  c.fixtureBody === undefined ? c.body : c.fixtureBody(fixtures)

/** Sends a case as written. */
export const sendCase = (c: ErrorCase) =>
  Effect.flatMap(Fixtures, (fixtures) => {
    const body = bodyOf(c, fixtures)
    return send(c.method, pathOf(c, fixtures), {
      ...(c.token === undefined ? {} : { token: c.token }),
      ...(body === undefined ? {} : { body }),
      ...(c.raw === undefined ? {} : { raw: c.raw }),
      ...(c.headers === undefined ? {} : { headers: c.headers })
    })
  })

/** The first error of an OpenStack error document. */
export const firstError = (answer: Answer) => {
  const body = answer.body
  if (typeof body !== "object" || body === null || !("errors" in body) || !Array.isArray(body.errors)) {
    throw new Error(`not an OpenStack error document: ${JSON.stringify(body)}`)
  }
  const [first]: ReadonlyArray<unknown> = body.errors
  if (typeof first !== "object" || first === null) throw new Error("an empty error document")
  return {
    status: "status" in first ? first.status : undefined,
    code: "code" in first ? first.code : undefined,
    detail: "detail" in first ? String(first.detail) : "",
    request_id: "request_id" in first ? first.request_id : undefined
  }
}
