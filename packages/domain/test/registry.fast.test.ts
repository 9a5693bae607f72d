/**
 * The registry is the one list of porcelain commands: each one has its endpoint in the contract, a
 * default topic, and an operation in `/openapi.json` that lists, for each error status, the codes it can
 * answer with (each one the catalogue places at that status). `GET /` listing them is the API's test.
 */
import { OpenApi } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { ErrorCode, meanings } from "@enamel/domain"
import { EnamelApi, Input } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { Option, Predicate, type Schema, SchemaAST } from "effect"

const spec = OpenApi.fromApi(EnamelApi)

const refsIn = (u: unknown): ReadonlyArray<string> =>
  Array.isArray(u)
    ? u.flatMap(refsIn)
    : Predicate.isRecord(u)
      ? Object.entries(u).flatMap(([key, value]) =>
          key === "$ref" && typeof value === "string" ? [value] : refsIn(value)
        )
      : []

const isCode = (name: string): name is ErrorCode => Object.hasOwn(meanings, name)

const operationAt = (path: string, method: string): unknown => {
  const item: unknown = spec.paths[path]
  return Predicate.isRecord(item) ? item[method] : undefined
}

/** Every operation's error answers: status → the codes its schema lists (one component per code). */
const errorAnswers = (path: string, method: string): ReadonlyMap<number, ReadonlyArray<string>> => {
  const operation = operationAt(path, method)
  const responses = Predicate.isRecord(operation) ? operation.responses : undefined
  const answers = new Map<number, ReadonlyArray<string>>()
  if (!Predicate.isRecord(responses)) return answers
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) < 400) continue
    answers.set(
      Number(status),
      refsIn(response).map((ref) => ref.replace("#/components/schemas/", ""))
    )
  }
  return answers
}

const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.keys(item).map((method) => ({ path, method }))
)

/** `/servers/:id` as OpenAPI writes it. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}")

describe("the registry", () => {
  it("lists each type once, and its default topics name every one with its concurrency", () => {
    const types = registry.commands.map((command) => command.type)
    expect(new Set(types).size).toBe(types.length)
    expect(registry.defaultTopics.split(",")).toEqual(
      registry.commands.map((command) => `${command.type}=${command.concurrency}`)
    )
  })

  for (const command of registry.commands) {
    describe(command.type, () => {
      it("has its endpoint in the contract's porcelain group", () => {
        expect(EnamelApi.groups.porcelain?.endpoints[command.endpoint.name]).toBe(command.endpoint)
        expect([command.endpoint.method, command.endpoint.path]).toEqual([command.method, command.path])
      })

      it("reads its body strictly, if it has one: an unknown field is refused", () => {
        const payload: Option.Option<Schema.Schema.All> = command.endpoint.payloadSchema
        if (Option.isSome(payload)) expect(Input.refusesUnknownFields(payload.value)).toBe(true)
      })

      it("reads its query strictly: dry_run (never stored) and its own, each of which goes into the params", () => {
        const query: Option.Option<Schema.Schema.All> = command.endpoint.urlParamsSchema
        if (Option.isNone(query)) return expect.fail("every command takes ?dry_run")
        expect(Input.refusesUnknownFields(query.value)).toBe(true)
        const ast = query.value.ast
        const names = SchemaAST.isTypeLiteral(ast) ? ast.propertySignatures.map((p) => String(p.name)) : []
        // dry_run is the request's, on_failure the task's (stored beside it): never the flow's params.
        expect([...Object.keys(command.urlParams), "dry_run"].sort()).toEqual(
          names.filter((n) => n !== "on_failure").sort()
        )
        expect(Object.values(command.urlParams)).not.toContain("dry_run")
        expect(Object.values(command.urlParams)).not.toContain("on_failure")
      })

      it("takes on_failure: in its body, or in its query when it has no body", () => {
        const payload: Option.Option<Schema.Schema.All> = command.endpoint.payloadSchema
        const query: Option.Option<Schema.Schema.All> = command.endpoint.urlParamsSchema
        const schema = Option.isSome(payload) ? payload : query
        const names = Option.match(schema, {
          onNone: () => [],
          onSome: (s) => SchemaAST.getPropertySignatures(s.ast).map((p) => String(p.name))
        })
        expect(names).toContain("on_failure")
      })

      it("has an OpenAPI operation that lists the codes of each error answer", () => {
        const path = openApiPath(command.path)
        const method = command.method.toLowerCase()
        expect(operationAt(path, method)).toMatchObject({
          summary: command.type,
          responses: { 200: {}, 202: {} }
        })
        const answers = errorAnswers(path, method)
        // Every porcelain call can be refused as a bad request, unauthenticated, a repeated key, …
        expect([...answers.keys()].sort()).toEqual(
          expect.arrayContaining([400, 401, 403, 406, 409, 413, 415, 500, 503])
        )
        expect(answers.get(400)).toContain(ErrorCode.requestInvalid)
        expect(answers.get(409)).toContain(ErrorCode.taskIdempotencyConflict)
        expect(answers.get(409)).toContain(ErrorCode.quotaExceeded)
        expect(answers.get(503)).toEqual(
          expect.arrayContaining([ErrorCode.serviceUnavailable, ErrorCode.keyUnavailable])
        )
      })
    })
  }
})

describe("/openapi.json", () => {
  it.each(operations)("$method $path lists, for each error status, codes answered with it", ({
    path,
    method
  }) => {
    const answers = errorAnswers(path, method)
    expect(answers.size).toBeGreaterThan(0)
    for (const [status, codes] of answers) {
      expect(codes.length, `${status} lists no code`).toBeGreaterThan(0)
      for (const code of codes) {
        expect(isCode(code), `${code} is not in the catalogue`).toBe(true)
        if (isCode(code)) expect(meanings[code].seen).toContainEqual({ answer: status })
      }
    }
  })

  it("documents every code the catalogue says an answer carries (a route's 404 in the description)", () => {
    const documented = new Set(
      operations.flatMap(({ path, method }) => [...errorAnswers(path, method).values()].flat())
    )
    const answered = Object.entries(meanings)
      .filter(([, meaning]) => meaning.seen.some((seen) => "answer" in seen))
      .map(([code]) => code)
    expect(answered.filter((code) => !documented.has(code))).toEqual([ErrorCode.resourceNotFound])
    expect(spec.info.description).toContain(ErrorCode.resourceNotFound)
  })

  it("documents no error shape the API never sends (the platform's decode error)", () => {
    expect(JSON.stringify(spec)).not.toContain("HttpApiDecodeError")
    expect(spec.components.schemas.ErrorDocument).toBeDefined()
  })
})
