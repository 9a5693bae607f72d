/**
 * Bodies for `POST /servers`, written from the API's documented rules (not from its Schema): valid
 * requests, and valid requests with exactly one field broken, each with the field a useful 400 names.
 */
import { isIP } from "node:net"
import fc from "fast-check"

export const topLevelFields = [
  "name",
  "count",
  "image",
  "flavor",
  "boot_volume",
  "networks",
  "keypair",
  "user_data",
  "metadata",
  "availability_zone",
  "priority"
] as const

/** A cloud name or id: 1–255 characters of valid text, no surrounding blanks. */
const nameOrId = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 24 })
  .filter((s) => s.trim() === s && s.length > 0 && !s.includes("\u0000"))

const text = (maxLength: number) =>
  fc.string({ unit: "grapheme", maxLength }).filter((s) => !s.includes("\u0000"))

const sshKey = fc
  .tuple(
    fc.constantFrom("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"),
    fc.base64String({ minLength: 4, maxLength: 80 })
  )
  .map(([kind, key]) => `${kind} ${key} fuzz@enamel`)

const network = fc.oneof(
  fc.record(
    {
      network: nameOrId,
      fixed_ip: fc.oneof(fc.ipV4(), fc.ipV6()),
      security_groups: fc.array(nameOrId, { maxLength: 16 }),
      floating_ip: fc.record({ network: nameOrId })
    },
    { requiredKeys: ["network"] }
  ),
  fc.record({ port: fc.uuid(), floating_ip: fc.record({ network: nameOrId }) }, { requiredKeys: ["port"] })
)

/** A request the API must accept (202). */
export const validServerRequest = fc.record(
  {
    name: nameOrId,
    count: fc.integer({ min: 1, max: 20 }),
    image: nameOrId,
    flavor: nameOrId,
    boot_volume: fc.record(
      {
        size_gb: fc.integer({ min: 1, max: 16384 }),
        volume_type: nameOrId,
        delete_on_termination: fc.boolean()
      },
      { requiredKeys: ["size_gb"] }
    ),
    networks: fc.array(network, { minLength: 1, maxLength: 8 }),
    keypair: fc.record({ name: nameOrId, public_key: sshKey }, { requiredKeys: ["name"] }),
    user_data: text(2000),
    metadata: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== "__proto__"),
      fc.string({ maxLength: 30 }),
      { maxKeys: 10 }
    ),
    availability_zone: nameOrId,
    priority: fc.integer({ min: 0, max: 9 })
  },
  { requiredKeys: ["name", "image", "flavor", "networks"] }
)

const missing = Symbol("missing")
type Broken = unknown

/** Values that are never a valid name or id. */
const badNameOrId: fc.Arbitrary<Broken> = fc.oneof(
  fc.constantFrom(
    missing,
    "",
    " web",
    "web ",
    "\tweb",
    null,
    42,
    true,
    [],
    {},
    "\u0000",
    "a\u0000",
    "\ud800",
    "x\udfff"
  ),
  fc.string({ minLength: 256, maxLength: 400 })
)

const badInt = (min: number, max: number): fc.Arbitrary<Broken> =>
  fc.oneof(
    fc.constantFrom(
      min - 1,
      max + 1,
      1.5,
      "2",
      null,
      true,
      [],
      {},
      1e308,
      -1e308,
      Number.MAX_SAFE_INTEGER + 2
    ),
    fc.integer().filter((n) => n < min || n > max),
    fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true })
  )

interface Mutation {
  /** Where the broken value goes; numbers index arrays. */
  readonly path: ReadonlyArray<string | number>
  /** What a useful detail names. */
  readonly names: ReadonlyArray<string>
  readonly value: fc.Arbitrary<Broken>
}

const badNetwork = (value: fc.Arbitrary<Broken>, names: ReadonlyArray<string>): Mutation => ({
  path: ["networks", 0],
  names,
  value
})

const mutations: ReadonlyArray<Mutation> = [
  { path: ["name"], names: ["name"], value: badNameOrId },
  { path: ["image"], names: ["image"], value: badNameOrId },
  { path: ["flavor"], names: ["flavor"], value: badNameOrId },
  {
    path: ["availability_zone"],
    names: ["availability_zone"],
    value: badNameOrId.filter((v) => v !== missing)
  },
  { path: ["count"], names: ["count"], value: badInt(1, 20) },
  { path: ["priority"], names: ["priority"], value: badInt(0, 9) },
  { path: ["boot_volume"], names: ["boot_volume"], value: fc.constantFrom("1", 1, [], null, {}) },
  {
    path: ["boot_volume"],
    names: ["boot_volume.size_gb"],
    value: badInt(1, 16384).map((size_gb) => ({ size_gb }))
  },
  {
    path: ["boot_volume"],
    names: ["boot_volume.delete_on_termination"],
    value: fc.constantFrom("yes", 1, null).map((d) => ({ size_gb: 1, delete_on_termination: d }))
  },
  {
    path: ["networks"],
    names: ["networks"],
    value: fc.constantFrom(
      missing,
      [],
      "private",
      null,
      {},
      Array.from({ length: 9 }, () => ({ network: "n" }))
    )
  },
  badNetwork(
    fc.constantFrom({}, "private", null, { network: "n", port: "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11" }),
    ["networks[0]"]
  ),
  badNetwork(
    fc
      .oneof(fc.string(), fc.constantFrom(1, null, "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c1"))
      .filter((p) => typeof p !== "string" || !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(p))
      .map((port) => ({ port })),
    ["networks[0].port"]
  ),
  badNetwork(
    fc
      .oneof(
        // Shaped like addresses, but none is one (Node's parser agrees, and so must the API's).
        fc.constantFrom(
          "1.2.3",
          "10.0.0.300",
          "1.2.3.4.5",
          "1::2::3",
          "12345::1",
          "::1.2.3",
          "fd00::1/64",
          10
        ),
        // Anything with a character no address has.
        fc.string().filter((s) => !/^[0-9a-fA-F:.]*$/.test(s))
      )
      .filter((ip) => typeof ip !== "string" || isIP(ip) === 0)
      .map((fixed_ip) => ({ network: "private", fixed_ip })),
    ["networks[0].fixed_ip"]
  ),
  badNetwork(
    fc
      .constantFrom(
        [""],
        "default",
        Array.from({ length: 17 }, () => "sg")
      )
      .map((security_groups) => ({ network: "private", security_groups })),
    ["networks[0].security_groups"]
  ),
  badNetwork(
    fc
      .constantFrom({}, "public", { network: "" })
      .map((floating_ip) => ({ network: "private", floating_ip })),
    ["networks[0].floating_ip"]
  ),
  badNetwork(fc.constant({ port: "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11", fixed_ip: "10.0.0.5" }), [
    "networks[0]",
    "fixed_ip"
  ]),
  // Fields the API does not have, at the top and inside: refused, naming the field (Nova does the same).
  {
    path: ["key_name"],
    names: ["key_name"],
    value: fc.jsonValue({ maxDepth: 1 })
  },
  ...["x_unknown_extra", "flavorRef", "Name", "tags", "security_groups"].map(
    (field): Mutation => ({ path: [field], names: [field], value: fc.jsonValue({ maxDepth: 1 }) })
  ),
  badNetwork(fc.constant({ network: "private", network_id: "n" }), ["networks[0].network_id"]),
  badNetwork(fc.constant({ network: "private", floating_ip: { network: "public", pool: "p" } }), [
    "networks[0].floating_ip.pool"
  ]),
  {
    path: ["boot_volume"],
    names: ["boot_volume.size"],
    value: fc.constant({ size_gb: 1, size: 2 })
  },
  { path: ["keypair"], names: ["keypair.key"], value: fc.constant({ name: "k", key: "ssh-ed25519 AAAA" }) },
  { path: ["keypair"], names: ["keypair"], value: fc.constantFrom("k", 1, null, []) },
  { path: ["keypair"], names: ["keypair.name"], value: fc.constant({}) },
  {
    path: ["keypair"],
    names: ["keypair.public_key"],
    value: fc
      .oneof(fc.string(), fc.constantFrom("ssh-rsa", "ssh-rsa !!!", "ssh-ed25519 AAAA\nx", 1))
      .map((public_key) => ({ name: "k", public_key }))
  },
  {
    path: ["user_data"],
    names: ["user_data"],
    value: fc.oneof(fc.constantFrom(1, null, [], "\u0000"), fc.constant("u".repeat(49153)))
  },
  {
    path: ["metadata"],
    names: ["metadata"],
    value: fc.constantFrom(
      [],
      "m",
      null,
      { "": "v" },
      { k: 1 },
      { k: "v".repeat(256) },
      { k: "\u0000" },
      Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, "v"]))
    )
  }
]

/** The valid request with the mutation's field (or its first network) replaced or removed. */
const breakOne = (valid: Readonly<Record<string, unknown>>, mutation: Mutation, value: Broken) => {
  const copy: Record<string, unknown> = { ...valid }
  const [field, index] = mutation.path
  if (typeof field !== "string") return copy
  if (index !== undefined) {
    const networks = Array.isArray(copy.networks) ? [...copy.networks] : []
    networks[0] = value
    copy.networks = networks
  } else if (value === missing) delete copy[field]
  else copy[field] = value
  return copy
}

/** A valid request with exactly one field broken, and the names a useful 400 mentions. */
export const brokenServerRequest = fc
  .tuple(validServerRequest, fc.constantFrom(...mutations))
  .chain(([valid, mutation]) =>
    mutation.value.map((value) => ({ body: breakOne(valid, mutation, value), names: mutation.names }))
  )
