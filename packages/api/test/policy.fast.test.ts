/**
 * The policy: expressions (parsed and evaluated), the defaults as Keystone's roles mean them, the policy
 * file (overrides, and every mistake that makes the process refuse to start), and the API: a reader
 * reads, and is refused every change (the refusals are rows of `errorCases.ts`).
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it, layer } from "@effect/vitest"
import { Policy as PolicyRules } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { ConfigProvider, Effect, Either, Exit, Layer, Option } from "effect"
import { endpointRules } from "../src/policy/endpoints.js"
import { holds, parse } from "../src/policy/expression.js"
import { load, Policy } from "../src/policy/Policy.js"
import { allows, compile, defaults, readFile } from "../src/policy/rules.js"
import { Fixtures, FixturesLive } from "./errorCases.js"
import { send, TestApi, tokens } from "./harness.js"

const roles = (...names: ReadonlyArray<string>) => new Set(names)

describe("policy expressions", () => {
  const none = new Map()
  it.each([
    ["role:reader", ["reader"], true],
    ["role:reader", ["member"], false],
    ["role:Reader", ["reader"], true],
    ["@", [], true],
    ["", [], true],
    ["!", ["admin"], false],
    ["role:member or role:admin", ["admin"], true],
    ["role:member and role:admin", ["admin"], false],
    ["role:member and not role:admin", ["member"], true],
    ["not role:member and role:reader", ["reader"], true],
    ["not (role:member or role:reader)", ["reader"], false],
    ["role:a or role:b and role:c", ["a"], true],
    ["(role:a or role:b) and role:c", ["a"], false],
    ["(role:a)or(role:b)", ["b"], true]
  ] as const)("%s with roles %j: %s", (text, has, expected) => {
    const parsed = parse(text)
    expect(Either.isRight(parsed)).toBe(true)
    if (Either.isRight(parsed)) expect(holds(parsed.right, roles(...has), none)).toBe(expected)
  })

  it.each([
    ["role:", "expected role:NAME, rule:NAME, @, !, not or ( at token 1"],
    ["(role:a", "a `)` is missing at the end"],
    ["role:a or", "an expression is missing at the end"],
    ["role:a xor role:b", "expected `and`, `or` or the end at token 2"],
    ["member", "expected role:NAME, rule:NAME, @, !, not or ( at token 1"],
    ["role:a )", "expected `and`, `or` or the end at token 2"]
  ])("refuses %j: %s", (text, why) => {
    expect(Either.getLeft(parse(text)).pipe(Option.getOrUndefined)).toContain(why)
  })
})

describe("the default policy", () => {
  const policy = Either.getOrThrow(compile(new Map()))
  const reader = ["reader"]
  const member = ["member", "reader"]
  const admin = ["admin", "member", "reader"]

  it("has a rule for every endpoint behind authentication, and one per command of the registry", () => {
    const { byRoute, unnamed } = endpointRules()
    expect(unnamed).toEqual([])
    for (const rule of byRoute.values()) expect(policy.rules.has(rule), rule).toBe(true)
    for (const command of registry.commands) {
      expect(command.rule).toBe(`enamel:${command.type.replaceAll(".", ":")}`)
      expect(byRoute.get(`${command.method} ${command.path}`)).toBe(command.rule)
    }
    expect(byRoute.get("POST /servers")).toBe("enamel:server:create")
    expect(byRoute.get("GET /tasks")).toBe("enamel:task:list")
    expect(byRoute.has("GET /")).toBe(false)
  })

  it("lets a reader read, a member also change, and only an admin see every project and /admin", () => {
    const reads = ["enamel:task:list", "enamel:task:get", "enamel:task:events", "enamel:server:get"]
    const changes = [
      "enamel:task:cancel",
      "enamel:task:delete",
      "enamel:task:retry",
      "enamel:task:rollback",
      ...registry.commands.map((command) => command.rule)
    ]
    const adminOnly = ["enamel:task:all_projects", "enamel:admin:topic:list", "enamel:admin:drain"]
    for (const rule of reads) expect([rule, allows(policy, rule, reader)]).toEqual([rule, true])
    for (const rule of changes) {
      expect([rule, allows(policy, rule, reader), allows(policy, rule, member)]).toEqual([rule, false, true])
    }
    for (const rule of adminOnly) {
      expect([rule, allows(policy, rule, member), allows(policy, rule, admin)]).toEqual([rule, false, true])
    }
    // Keystone expands implied roles into the token; a token that carries only `admin` still passes.
    expect(allows(policy, "enamel:server:create", ["admin"])).toBe(true)
    expect(allows(policy, "enamel:task:list", ["admin"])).toBe(true)
    expect(allows(policy, "enamel:task:list", [])).toBe(false)
    expect(allows(policy, "enamel:no:such:rule", admin)).toBe(false)
  })

  it("lists every rule of the contract's table", () => {
    expect([...defaults().keys()]).toEqual(
      expect.arrayContaining([...Object.keys(PolicyRules.rules), "enamel:server:create"])
    )
  })
})

describe("the policy file", () => {
  it("overrides rules, with the operator's own rules to refer to", () => {
    const overrides = Either.getOrThrow(
      readFile(
        [
          "# readers may create servers here, and only operators may cancel",
          'operator: "role:operator or rule:admin"',
          'enamel:server:create: "rule:reader"',
          'enamel:task:cancel: "rule:operator"',
          ""
        ].join("\n")
      )
    )
    const policy = Either.getOrThrow(compile(overrides))
    expect(allows(policy, "enamel:server:create", ["reader"])).toBe(true)
    expect(allows(policy, "enamel:task:cancel", ["member", "reader"])).toBe(false)
    expect(allows(policy, "enamel:task:cancel", ["operator"])).toBe(true)
    expect(allows(policy, "enamel:server:delete", ["reader"])).toBe(false)
  })

  it("overrides nothing when empty", () => {
    expect(Either.getOrThrow(readFile("")).size).toBe(0)
    expect(Either.getOrThrow(readFile("# nothing\n")).size).toBe(0)
  })

  it.each([
    ["enamel:server:create: [role:member]", "enamel:server:create: the expression must be a string"],
    ["- role:member", "must be a mapping of rule names to expressions"],
    ['"a": b: c', "not YAML"]
  ])("refuses %j: %s", (text, why) => {
    expect(Either.getLeft(readFile(text)).pipe(Option.getOrThrow).join("\n")).toContain(why)
  })

  it.each([
    [{ "enamel:server:creat": "@" }, "enamel:server:creat: no such rule"],
    [{ "enamel:server:create": "role:member or" }, 'enamel:server:create: "role:member or": an expression'],
    [{ "enamel:server:create": "rule:operators" }, "enamel:server:create: rule:operators names no rule"],
    [{ a: "rule:b", b: "rule:a" }, "refers to itself (a → b → a)"],
    [{ member: "rule:reader" }, "refers to itself (member → reader → member)"]
  ])("refuses the overrides %j: %s", (overrides, why) => {
    const problems = Either.getLeft(compile(new Map(Object.entries(overrides))))
    expect(Option.getOrThrow(problems).join("\n")).toContain(why)
  })

  it.effect("a bad file stops the Policy from being built, naming the file and each mistake", () =>
    Effect.gen(function* () {
      const path = join(mkdtempSync(join(tmpdir(), "enamel-policy-")), "policy.yaml")
      writeFileSync(path, 'enamel:server:creat: "@"\nenamel:task:list: "role:reader or"\n')
      const exit = yield* Effect.exit(load(Option.some(path)))
      expect(Exit.isFailure(exit)).toBe(true)
      const built = yield* Layer.build(Policy.Default).pipe(
        Effect.scoped,
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["ENAMEL_POLICY_FILE", path]]))),
        Effect.flip
      )
      expect(built.message).toContain(`ENAMEL_POLICY_FILE ${path} is not a policy Enamel can enforce`)
      expect(built.message).toContain("enamel:server:creat: no such rule")
      expect(built.message).toContain('enamel:task:list: "role:reader or": an expression is missing')
      const missing = yield* Effect.flip(load(Option.some(`${path}.gone`)))
      expect(missing.message).toContain(`ENAMEL_POLICY_FILE ${path}.gone cannot be read`)
    })
  )
})

describe("a reader through the API", () => {
  layer(Layer.provideMerge(FixturesLive, TestApi), { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("lists and reads tasks, servers and networks (200); changes are 403 (errorCases.ts)", () =>
      Effect.gen(function* () {
        const fixtures = yield* Fixtures
        const made = yield* send("POST", "/servers", {
          token: tokens.alice,
          body: { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }
        })
        expect(made.status).toBe(202)
        const taskId = (made.body as { task: { id: string } }).task.id
        const project = yield* send("GET", "/tasks?scope=project&state=all", { token: tokens.carol })
        expect(project.status).toBe(200)
        expect(JSON.stringify(project.body)).toContain(taskId)
        expect((yield* send("GET", "/tasks", { token: tokens.carol })).status).toBe(200)
        expect((yield* send("GET", `/tasks/${taskId}`, { token: tokens.carol })).status).toBe(200)
        const server = yield* send("GET", `/servers/${fixtures.aliceImageServer}`, { token: tokens.carol })
        expect(server.status).toBe(200)
        const refused = yield* send("POST", `/tasks/${taskId}/cancel`, { token: tokens.carol })
        expect(refused.status).toBe(403)
        // Refused before anything: the task is as it was.
        const after = yield* send("GET", `/tasks/${taskId}`, { token: tokens.alice })
        expect((after.body as { task: { state: string } }).task.state).toBe("PENDING")
      })
    )
  })
})
