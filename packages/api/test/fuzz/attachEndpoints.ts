/**
 * Arbitraries for what users attach to a server and `GET /servers/{id}`: `POST|DELETE
 * /servers/{id}/volumes|interfaces|floating-ips[/{…}]`; and `POST /servers/{id}/resize` (the server is on
 * m1.tiny and stays there). The caller's own ACTIVE server (202; 200 for the
 * read), another project's or a UUID no server has (404, naming the server), or no UUID (400, naming the
 * id); for a detach, what is attached to that server (202), another UUID (404, naming the volume, port or
 * floating IP) or no UUID (400); bodies right, wrong in one field (400, naming it), of any JSON, or not
 * JSON. No worker runs here, so what is attached stays attached.
 */
import { Cinder, Neutron, Nova, Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import fc from "fast-check"
import { TestCallers } from "../harness.js"
import {
  type Fault,
  fault,
  idempotencyKey,
  nastyString,
  notUuid,
  other,
  percentEncode,
  type User,
  user,
  withHeaders
} from "./cases.js"
import { contentType } from "./serverEndpoints.js"

/** Each user's ACTIVE server, with what is attached to it: a volume, and two ports, one with a floating IP. */
export type KnownAttachments = {
  readonly [Who in User]: {
    readonly server: string
    readonly volume: string
    readonly port: string
    readonly floatingIp: string
  }
}

const attachmentsOf = (who: User) =>
  Effect.gen(function* () {
    const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (cloud) => cloud.seeded)
    const session = (yield* TestCallers)[who].session
    const project = who === "alice" ? "alpha" : "beta"
    return yield* Effect.gen(function* () {
      const networkId = seeded.networks[`${project}/private`] ?? ""
      const withIp = yield* Neutron.createPort({ networkId, name: "fuzz-0" })
      const free = yield* Neutron.createPort({ networkId, name: "fuzz-1" })
      const publicNet = yield* Neutron.findNetwork("public")
      const floating = yield* Neutron.createFloatingIp({ networkId: publicNet.id, portId: withIp.id })
      const server = yield* Nova.createServer({
        name: "fuzz",
        flavorId: seeded.flavors["m1.tiny"] ?? "",
        imageId: seeded.images.tiny ?? "",
        networks: [{ portId: withIp.id }, { portId: free.id }]
      })
      yield* Nova.waitForServerActive(server.id)
      const volume = yield* Cinder.createVolume({ size: 1, name: "fuzz-data" })
      yield* Cinder.waitForVolumeAvailable(volume.id)
      yield* Nova.attachVolume(server.id, volume.id)
      yield* Cinder.waitForVolumeAttached(volume.id, server.id)
      return { server: server.id, volume: volume.id, port: free.id, floatingIp: floating.id }
    }).pipe(Effect.provideService(Session, session), Effect.orDie)
  })

export const makeKnownAttachments = Effect.gen(function* () {
  return { alice: yield* attachmentsOf("alice"), bob: yield* attachmentsOf("bob") } satisfies KnownAttachments
})

interface Part {
  readonly id: string
  readonly faults: ReadonlyArray<Fault>
}

/** The path's server: the caller's (fine), another project's or unknown (404), or no UUID (400). */
export const serverPart = (known: KnownAttachments, u: User): fc.Arbitrary<Part> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant({ id: known[u].server, faults: [] }) },
    fc
      .oneof(fc.constant(known[other(u)].server), fc.uuid())
      .map((id) => ({ id, faults: [fault("semantic", 404, "server")] })),
    notUuid.map((id) => ({ id, faults: [fault("input", 400, "id")] }))
  )

/** A detach's second id: attached to the caller's server (fine), another UUID (404), or no UUID (400). */
export const attachedPart = (
  attached: string,
  elsewhere: string,
  param: string,
  what: string
): fc.Arbitrary<Part> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ id: attached, faults: [] }) },
    fc.oneof(fc.constant(elsewhere), fc.uuid()).map((id) => ({ id, faults: [fault("semantic", 404, what)] })),
    notUuid.map((id) => ({ id, faults: [fault("input", 400, param)] }))
  )

export interface Body {
  readonly value: unknown
  readonly faults: ReadonlyArray<Fault>
}

export const ok = (value: unknown): Body => ({ value, faults: [] })
export const bad = (value: unknown, ...names: ReadonlyArray<string>): Body => ({
  value,
  faults: [fault("input", 400, ...names)]
})

const nameOrId = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 24 })
  .filter((s) => s.trim() === s && s.length > 0 && !s.includes("\u0000"))

/** Out of range, not an integer, or not a number at all. */
export const wrongInt = (min: number, max: number) =>
  fc.oneof(
    fc.constantFrom(min - 1, max + 1, 1.5, "3", null, true, [1], Number.MAX_SAFE_INTEGER),
    fc.integer({ min: max + 1 })
  )

/** A field the API does not have, beside right ones. */
export const stray = fc.constantFrom(
  "size",
  "volume_id",
  "server_id",
  "networks",
  "Network",
  "fixed_ips",
  "x"
)

/**
 * `{size_gb, name?, volume_type?, image? | snapshot?}`, `{snapshot}` or `{volume}`; `volume` and `snapshot`
 * are none of the project's (404).
 */
const volumeBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          size_gb: fc.integer({ min: 1, max: 16384 }),
          name: fc.string({ maxLength: 40 }).filter((s) => !s.includes("\u0000")),
          volume_type: nameOrId,
          source: fc.oneof(
            nameOrId.map((image) => ({ image })),
            fc.uuid().map((snapshot) => ({ snapshot }))
          ),
          priority: fc.integer({ min: 0, max: 9 })
        },
        { requiredKeys: ["size_gb"] }
      )
      // A snapshot is no snapshot of the project (404 before the 202).
      .map(({ source, ...rest }) =>
        source !== undefined && "snapshot" in source
          ? { value: { ...rest, ...source }, faults: [fault("semantic", 404, "snapshot")] }
          : ok({ ...rest, ...source })
      )
  },
  // A snapshot alone: a volume of its size, but no snapshot of the project (404).
  fc.uuid().map((snapshot) => ({ value: { snapshot }, faults: [fault("semantic", 404, "snapshot")] })),
  fc.uuid().map((volume) => ({ value: { volume }, faults: [fault("semantic", 404, "volume")] })),
  wrongInt(1, 16384).map((size_gb) => bad({ size_gb }, "size_gb")),
  wrongInt(0, 9).map((priority) => bad({ size_gb: 1, priority }, "priority")),
  fc.constant(bad({}, "size_gb", "snapshot", "volume")),
  fc.uuid().map((volume) => bad({ size_gb: 1, volume }, "size_gb", "volume")),
  fc.uuid().map((volume) => bad({ volume, name: "data" }, "name")),
  fc.uuid().map((snapshot) => bad({ size_gb: 1, image: "tiny", snapshot }, "image", "snapshot")),
  notUuid.map((snapshot) => bad({ size_gb: 1, snapshot }, "snapshot")),
  fc.constant(bad({ size_gb: 1, name: "n".repeat(256) }, "name")),
  stray.map((field) => bad({ size_gb: 1, [field]: 1 }, field))
)

/** `{network, fixed_ip?, security_groups?, floating_ip?}` or `{port, floating_ip?}`. */
const interfaceBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc
        .record(
          {
            network: nameOrId,
            fixed_ip: fc.oneof(fc.ipV4(), fc.ipV6()),
            security_groups: fc.array(nameOrId, { maxLength: 16 }),
            floating_ip: fc.record({ network: nameOrId }),
            priority: fc.integer({ min: 0, max: 9 })
          },
          { requiredKeys: ["network"] }
        )
        .map(ok),
      fc
        .record(
          { port: fc.uuid(), floating_ip: fc.record({ network: nameOrId }) },
          { requiredKeys: ["port"] }
        )
        .map(ok)
    )
  },
  fc.constant(bad({}, "network", "port")),
  fc.uuid().map((port) => bad({ network: "private", port }, "network", "port")),
  fc.uuid().map((port) => bad({ port, fixed_ip: "10.0.0.5" }, "fixed_ip")),
  fc
    .constantFrom("10.0.0.300", "private", "::g", "")
    .map((ip) => bad({ network: "private", fixed_ip: ip }, "fixed_ip")),
  fc
    .constantFrom(
      "default",
      ["x".repeat(256)],
      Array.from({ length: 17 }, () => "default"),
      [3]
    )
    .map((groups) => bad({ network: "private", security_groups: groups }, "security_groups")),
  fc
    .constantFrom("public", { net: "public" }, {})
    .map((fip) => bad({ network: "private", floating_ip: fip }, "floating_ip", "net", "network")),
  notUuid.map((port) => bad({ port }, "port")),
  wrongInt(0, 9).map((priority) => bad({ network: "private", priority }, "priority")),
  stray.map((field) => bad({ network: "private", [field]: 1 }, field))
)

/** `{network, port?}`: without a port, the server's first without a floating IP (it has one). */
const floatingIpBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        { network: nameOrId, port: fc.uuid(), priority: fc.integer({ min: 0, max: 9 }) },
        { requiredKeys: ["network"] }
      )
      .map(ok)
  },
  fc.constant(bad({}, "network")),
  fc.constantFrom("", " public", 3, null).map((network) => bad({ network }, "network")),
  notUuid.map((port) => bad({ network: "public", port }, "port")),
  wrongInt(0, 9).map((priority) => bad({ network: "public", priority }, "priority")),
  stray.map((field) => bad({ network: "public", [field]: 1 }, field))
)

/** `{flavor, priority?}` for the server on m1.tiny: m1.small (fine), m1.tiny (409 naming it), or none (404). */
const resizeBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        { flavor: fc.constant("m1.small"), priority: fc.integer({ min: 0, max: 9 }) },
        { requiredKeys: ["flavor"] }
      )
      .map(ok)
  },
  fc.constant({ value: { flavor: "m1.tiny" }, faults: [fault("semantic", 409, "m1.tiny")] }),
  nameOrId
    .filter((name) => !name.startsWith("m1."))
    .map((flavor) => ({ value: { flavor }, faults: [fault("semantic", 404, "flavor")] })),
  fc.constant(bad({}, "flavor")),
  fc.constantFrom("", " m1.small", 3, null, "x".repeat(256)).map((flavor) => bad({ flavor }, "flavor")),
  wrongInt(0, 9).map((priority) => bad({ flavor: "m1.small", priority }, "priority")),
  stray.map((field) => bad({ flavor: "m1.small", [field]: 1 }, field))
)

/** A body as sent: the JSON of `body`, any JSON (400 naming a field), or bytes that are not JSON. */
export const sent = (body: fc.Arbitrary<Body>, fields: ReadonlyArray<string>) =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: body.map((b) => ({ body: JSON.stringify(b.value) as string | Uint8Array, faults: b.faults }))
    },
    fc.jsonValue().map((v) => ({
      body: JSON.stringify(v) ?? "null",
      faults: [
        fault(
          "input",
          400,
          ...fields,
          "body",
          ...(v !== null && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [])
        )
      ]
    })),
    fc
      .uint8Array({ maxLength: 256 })
      .map((bytes) => ({ body: bytes, faults: [fault("input", 400, ...fields, "body")] })),
    nastyString.map((s) => ({ body: s, faults: [fault("input", 400, ...fields, "body")] }))
  )

/** The fuzz's own server boots from its image: a rebuild of it, however well asked, is a 409 naming that. */
const rebuildBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        { image: fc.constant("tiny"), priority: fc.integer({ min: 0, max: 9 }) },
        { requiredKeys: ["image"] }
      )
      .map((value) => ({ value, faults: [fault("semantic", 409, "volume")] }))
  },
  fc.constant(bad({}, "image")),
  fc.constantFrom("", " tiny", 3, null, "x".repeat(256)).map((image) => bad({ image }, "image")),
  fc.constantFrom("", 3, null).map((keypair) => bad({ image: "tiny", keypair }, "keypair")),
  wrongInt(0, 9).map((priority) => bad({ image: "tiny", priority }, "priority")),
  stray.map((field) => bad({ image: "tiny", [field]: 1 }, field))
)

const collections = {
  volumes: { body: volumeBody, fields: ["size_gb", "volume"] },
  interfaces: { body: interfaceBody, fields: ["network", "port"] },
  "floating-ips": { body: floatingIpBody, fields: ["network"] }
} as const

/** POST /servers/{id}/<collection> with one of its bodies (the required `fields` named when it is wrong). */
export const postToServer = (
  known: KnownAttachments,
  collection: string,
  bodies: { readonly body: fc.Arbitrary<Body>; readonly fields: ReadonlyArray<string> }
) =>
  user.chain((u) =>
    fc
      .tuple(serverPart(known, u), sent(bodies.body, bodies.fields), idempotencyKey)
      .chain(([server, body, key]) =>
        contentType(body.body).chain((type) =>
          withHeaders(u, {
            method: "POST",
            path: `/servers/${percentEncode(server.id)}/${collection}`,
            body: body.body,
            authenticated: true,
            ok: 202,
            headers: {
              ...type.headers,
              ...(key.value === undefined ? {} : { "idempotency-key": key.value })
            },
            faults: [...server.faults, ...body.faults, ...type.faults, ...key.faults]
          })
        )
      )
  )

/** POST /servers/{id}/volumes|interfaces|floating-ips. */
export const attach = (known: KnownAttachments, collection: keyof typeof collections) =>
  postToServer(known, collection, collections[collection])

/** POST /servers/{id}/rebuild (the caller's server boots from its image: refused with a 409). */
export const rebuild = (known: KnownAttachments) =>
  postToServer(known, "rebuild", { body: rebuildBody, fields: ["image"] })

/** POST /servers/{id}/resize (the server is one of the caller's, or another's, or none). */
export const resize = (known: KnownAttachments) =>
  postToServer(known, "resize", { body: resizeBody, fields: ["flavor"] })

/** DELETE /servers/{id}/volumes/{volume_id}, …/interfaces/{port_id}, …/floating-ips/{floating_ip_id}. */
export const detach = (known: KnownAttachments, collection: Exclude<keyof typeof collections, "resize">) =>
  user.chain((u) => {
    const [attached, param, what] =
      collection === "volumes"
        ? (["volume", "volume_id", "volume"] as const)
        : collection === "interfaces"
          ? (["port", "port_id", "port"] as const)
          : (["floatingIp", "floating_ip_id", "floating IP"] as const)
    return fc
      .tuple(
        serverPart(known, u),
        attachedPart(known[u][attached], known[other(u)][attached], param, what),
        idempotencyKey
      )
      .chain(([server, target, key]) =>
        withHeaders(u, {
          method: "DELETE",
          path: `/servers/${percentEncode(server.id)}/${collection}/${percentEncode(target.id)}`,
          authenticated: true,
          ok: 202,
          headers: key.value === undefined ? {} : { "idempotency-key": key.value },
          // A server that is not the caller's is a 404 naming it, whatever the second id.
          faults: [...server.faults, ...target.faults, ...key.faults]
        })
      )
  })

/** GET /servers/{id}[/<below>]: the caller's server (200), another's or unknown (404), no UUID (400). */
export const readServer = (known: KnownAttachments, below = "") =>
  user.chain((u) =>
    serverPart(known, u).chain((server) =>
      withHeaders(u, {
        method: "GET",
        path: `/servers/${percentEncode(server.id)}${below}`,
        authenticated: true,
        ok: 200,
        faults: server.faults
      })
    )
  )
