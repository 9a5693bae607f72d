/**
 * What a client is told when its input does not decode: one line per problem, what is wrong and what
 * is allowed, as the platform passes it on (`ArrayFormatter`) and the API joins it. The API's own table
 * (packages/api/test/api.fast.test.ts) checks the same words over HTTP.
 */
import { describe, expect, it } from "@effect/vitest"
import { Command, TaskListParams } from "@enamel/domain/contract"
import { ServerCreate } from "@enamel/domain/flows"
import { Either, ParseResult, Schema } from "effect"
import { isAddress } from "../src/flows/cloud/ipAddress.js"

const problems = (schema: Schema.Schema.AnyNoContext, input: unknown): ReadonlyArray<string> => {
  const decoded = Schema.decodeUnknownEither(schema)(input)
  return Either.isRight(decoded)
    ? []
    : ParseResult.ArrayFormatter.formatErrorSync(decoded.left).map(
        (issue) => `${issue.path.map(String).join(".") || "(body)"}: ${issue.message}`
      )
}

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

const bodies: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string>]> = [
  ["a valid request", server, []],
  [
    "count 0 (was also 'Expected undefined')",
    { ...server, count: 0 },
    ["count: must be an integer from 1 to 20, not 0"]
  ],
  ["count 1.5", { ...server, count: 1.5 }, ["count: must be an integer from 1 to 20, not 1.5"]],
  ["count as text", { ...server, count: "2" }, ['count: must be an integer from 1 to 20, not "2"']],
  [
    "Nova's key_name",
    { ...server, key_name: "k" },
    ["key_name: is not a field of this request; did you mean keypair?"]
  ],
  [
    "a misspelt field",
    { ...server, flavour: "m1.tiny" },
    ["flavour: is not a field of this request; did you mean flavor?"]
  ],
  [
    "an unknown field",
    { ...server, colour: "red" },
    [
      "colour: is not a field of this request (the fields here: name, count, image, flavor, boot_volume, " +
        "networks, keypair, user_data, metadata, availability_zone, priority)"
    ]
  ],
  [
    "an unknown nested field",
    { ...server, networks: [{ network: "private", network_id: "n" }] },
    ["networks.0.network_id: is not a field of this request; did you mean network?"]
  ],
  [
    "an unknown field in the boot volume",
    { ...server, boot_volume: { size_gb: 1, size: 2 } },
    ["boot_volume.size: is not a field of this request; did you mean size_gb?"]
  ],
  [
    "a name too long (was told the field's description)",
    { ...server, name: "x".repeat(300) },
    ["name: must be at most 255 characters long, not 300"]
  ],
  ["an empty name", { ...server, name: "" }, ["name: must not be empty"]],
  [
    "a name with blanks around",
    { ...server, name: " web" },
    ['name: must not start or end with a blank, not " web"']
  ],
  ["a name that is a number", { ...server, name: 42 }, ["name: must be a string, not 42"]],
  [
    "networks as a string (was a schema dump)",
    { ...server, networks: "private" },
    ["networks: must be an array, not a string"]
  ],
  ["no networks", { ...server, networks: [] }, ["networks: must not be empty"]],
  [
    "a network that is a string",
    { ...server, networks: ["private"] },
    ["networks.0: must be an object, not a string"]
  ],
  [
    "network and port",
    { ...server, networks: [{}] },
    ["networks.0: must give exactly one of network or port"]
  ],
  [
    "a port that is no UUID",
    { ...server, networks: [{ port: "p" }] },
    ['networks.0.port: must be a UUID, not "p"']
  ],
  [
    "an address that cannot be one",
    { ...server, networks: [{ network: "private", fixed_ip: "999.1.1.1" }] },
    ['networks.0.fixed_ip: must be an IPv4 or IPv6 address, not "999.1.1.1"']
  ],
  [
    "an address too short",
    { ...server, networks: [{ network: "private", fixed_ip: "10.0.0" }] },
    ['networks.0.fixed_ip: must be an IPv4 or IPv6 address, not "10.0.0"']
  ],
  [
    "a boolean as text",
    { ...server, boot_volume: { size_gb: 1, delete_on_termination: "yes" } },
    ['boot_volume.delete_on_termination: must be true or false, not "yes"']
  ],
  [
    "not a public key",
    { ...server, keypair: { name: "k", public_key: "hello" } },
    ['keypair.public_key: must be an OpenSSH public key, not "hello"']
  ],
  [
    "a long value is clipped",
    { ...server, networks: [{ port: "p".repeat(100) }] },
    [`networks.0.port: must be a UUID, not "${"p".repeat(40)}"…`]
  ],
  [
    "a fixed IP with network auto",
    { ...server, networks: [{ network: "auto", fixed_ip: "10.0.0.5" }] },
    ['networks.0.fixed_ip: cannot be given with network "auto": its subnet is not known before it is made']
  ],
  ["null user data", { ...server, user_data: null }, ["user_data: must be a string, not null"]],
  ["a body that is a number", 42, ["(body): must be an object, not a number"]],
  [
    "every problem, not only the first",
    { image: "tiny", count: 0, extra: 1 },
    [
      "extra: is not a field of this request (the fields here: name, count, image, flavor, boot_volume, " +
        "networks, keypair, user_data, metadata, availability_zone, priority)",
      "name: is required",
      "count: must be an integer from 1 to 20, not 0",
      "flavor: is required",
      "networks: is required"
    ]
  ]
]

describe("problems with a body, in words", () => {
  it.each(bodies)("%s", (_, body, expected) => {
    expect(problems(ServerCreate.CreateServersRequest, body)).toEqual(expected)
  })

  it("no detail repeats an alternative, names a schema or says Expected", () => {
    for (const [, body] of bodies) {
      for (const line of problems(ServerCreate.CreateServersRequest, body)) {
        expect(line).not.toMatch(/Expected|undefined|readonly|ReadonlyArray|\{ \{|filter/)
      }
    }
  })
})

describe("problems with a query or a header", () => {
  it.each([
    [{ limit: "abc" }, ['limit: must be an integer from 1 to 1000, not "abc"']],
    [{ limit: ["1", "2"] }, ["limit: must be given once"]],
    [
      { state: "done" },
      [
        'state: must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLING, CANCELLED, ROLLING_BACK, ROLLED_BACK, active, all, not "done"'
      ]
    ],
    [{ scope: "all" }, ['scope: must be user or project, not "all"']],
    [{ all_projects: "yes" }, ['all_projects: must be true or false, not "yes"']],
    [{ marker: "m" }, ['marker: must be a UUID, not "m"']],
    [{ anything: "else" }, []]
  ])("%j", (query, expected) => {
    expect(problems(TaskListParams, query)).toEqual(expected)
  })

  it("Idempotency-Key", () => {
    expect(problems(Command.IdempotencyHeaders, { "idempotency-key": "" })).toEqual([
      "idempotency-key: must not be empty"
    ])
    expect(problems(Command.IdempotencyHeaders, { "idempotency-key": "k".repeat(256), other: "x" })).toEqual([
      "idempotency-key: must be at most 255 characters long, not 256"
    ])
  })
})

describe("addresses", () => {
  it.each([
    "10.0.0.5",
    "0.0.0.0",
    "255.255.255.255",
    "::",
    "::1",
    "fd00::1",
    "2001:db8:0:0:0:0:0:1",
    "::ffff:192.0.2.1",
    "64:ff9b::192.0.2.33"
  ])("%s is an address", (text) => expect(isAddress(text)).toBe(true))
  it.each([
    "",
    "10.0.0",
    "10.0.0.256",
    "1.2.3.4.5",
    "example.com",
    "1::2::3",
    "12345::",
    "fd00::1/64",
    "fe80::1%eth0",
    "::1.2.3",
    ":1"
  ])("%s is not", (text) => expect(isAddress(text)).toBe(false))
})
