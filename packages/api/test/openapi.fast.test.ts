/**
 * `/openapi.json` against what the API really answers. Real answers of the running API (every case of
 * the error table, the successes, and a sample of the fuzzer's requests) are each checked against the
 * document — the status is one the operation declares, the body is valid against its schema (JSON
 * Schema 2020-12, as OpenAPI 3.1 says) — and read back by a client made from the contract with
 * `HttpApiClient.make(EnamelApi)`: a typed success, or a typed error with the answer's code and detail,
 * never a decode failure. The query parameters of each accepted request are documented ones, with valid values.
 */
import { HttpApiClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { ErrorCode } from "@enamel/domain"
import { EnamelApi, isApiError } from "@enamel/domain/contract"
import { TopicSettings } from "@enamel/persistence"
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js"
import { Cause, Duration, Effect, Exit, Layer, Option, Predicate } from "effect"
import fc from "fast-check"
import { bodyOf, errorCases, Fixtures, FixturesLive, pathOf, server } from "./errorCases.js"
import { makeKnownAttachments } from "./fuzz/attachEndpoints.js"
import { makeKnownBackups } from "./fuzz/backupEndpoints.js"
import { baseUrl, makeKnownServers, makeKnownTasks, properties } from "./fuzz/run.js"
import { type Reply, sendCase } from "./fuzz/verdict.js"
import { serverOf, TestApi, tokens } from "./harness.js"

/** One real answer, and the request it answered. */
interface Recorded {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly reply: Reply
}

type Json = { readonly [key: string]: unknown }
const isJson = (u: unknown): u is Json => Predicate.isRecord(u)

/** Sends a request as written and keeps the answer. */
const record = (
  name: string,
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {}
) =>
  Effect.flatMap(baseUrl, (base) =>
    Effect.promise(
      async (): Promise<Recorded> => ({
        name,
        method,
        path,
        reply: await sendCase(base, {
          method,
          path,
          headers: {
            ...(options.token === undefined ? {} : { "x-auth-token": options.token }),
            ...(options.body === undefined ? {} : { "content-type": "application/json" }),
            ...options.headers
          },
          ...(options.body === undefined ? {} : { body: options.body }),
          authenticated: true,
          ok: 200,
          faults: []
        })
      })
    )
  )

const json = (reply: Reply): unknown => {
  try {
    return JSON.parse(reply.text)
  } catch {
    return reply.text
  }
}

/** Every answer worth checking: the error table, the successes, and a sample of the fuzzer's cases. */
const collect = Effect.gen(function* () {
  const answers: Array<Recorded> = []
  const fixtures = yield* Fixtures
  for (const c of errorCases) {
    const json = bodyOf(c, fixtures)
    const headers = {
      ...(json === undefined && c.raw === undefined ? {} : { "content-type": "application/json" }),
      ...c.headers
    }
    const body = c.raw ?? (json === undefined ? undefined : JSON.stringify(json))
    answers.push(
      yield* record(c.name, c.method, pathOf(c, fixtures), {
        ...(c.token === undefined ? {} : { token: c.token }),
        ...(body === undefined ? {} : { body }),
        headers
      })
    )
  }
  const body = JSON.stringify(server)
  const created = yield* record("POST /servers", "POST", "/servers", { token: tokens.alice, body })
  answers.push(created)
  const taskId = String((json(created.reply) as { task: { id: string } }).task.id)
  const key = { "idempotency-key": crypto.randomUUID() }
  answers.push(yield* record("keyed", "POST", "/servers", { token: tokens.alice, body, headers: key }))
  answers.push(
    yield* record("conflict", "POST", "/servers", {
      token: tokens.alice,
      body: JSON.stringify({ ...server, name: "other" }),
      headers: key
    })
  )
  const own = yield* serverOf("alice", "to-delete")
  answers.push(yield* record("DELETE own server", "DELETE", `/servers/${own}`, { token: tokens.alice }))
  const plain = yield* serverOf("alice", "to-delete-plainly")
  const { aliceBackedUp } = fixtures
  for (const [name, path] of [
    ["DELETE with its backups", `/servers/${aliceBackedUp.server}?delete_backups=true`],
    ["DELETE, delete_backups=false", `/servers/${plain}?delete_backups=false`]
  ] as const) {
    answers.push(yield* record(name, "DELETE", path, { token: tokens.alice }))
  }
  const { networks } = fixtures
  answers.push(
    yield* record("GET /networks/{id}", "GET", `/networks/${networks.aliceInUse.network}`, {
      token: tokens.alice
    })
  )
  answers.push(
    yield* record("DELETE /networks/{id}", "DELETE", `/networks/${networks.aliceUnused}`, {
      token: tokens.alice
    })
  )
  answers.push(
    yield* record("POST /networks", "POST", "/networks", {
      token: tokens.alice,
      body: JSON.stringify({ name: "lab", dns_nameservers: ["9.9.9.9"] })
    })
  )
  answers.push(yield* record("GET /", "GET", "/"))
  answers.push(yield* record("GET /tasks", "GET", "/tasks?state=all&limit=5", { token: tokens.alice }))
  answers.push(yield* record("GET /tasks/{id}", "GET", `/tasks/${taskId}`, { token: tokens.alice }))
  answers.push(yield* record("wait", "GET", `/tasks/${taskId}?wait=1`, { token: tokens.alice }))
  answers.push(yield* record("wait too long", "GET", `/tasks/${taskId}?wait=61`, { token: tokens.alice }))
  answers.push(
    yield* record("by resource", "GET", `/tasks?resource=${crypto.randomUUID()}`, { token: tokens.alice })
  )
  answers.push(yield* record("cancel", "POST", `/tasks/${taskId}/cancel`, { token: tokens.alice }))
  answers.push(yield* record("cancel again", "POST", `/tasks/${taskId}/cancel`, { token: tokens.alice }))
  answers.push(yield* record("delete ended", "DELETE", `/tasks/${taskId}`, { token: tokens.alice }))
  answers.push(yield* record("events", "GET", `/tasks/${taskId}/events`, { token: tokens.alice }))
  // A live worker's heartbeat, so that the topics' answers show one.
  yield* Effect.flatMap(TopicSettings, (store) =>
    store.beat(
      "worker-openapi",
      [{ topic: "server.create", concurrency: 4, running: 1, paused: false }],
      Duration.minutes(5)
    )
  )
  answers.push(yield* record("GET /admin/topics", "GET", "/admin/topics", { token: tokens.admin }))
  answers.push(
    yield* record("PATCH /admin/topics/{topic}", "PATCH", "/admin/topics/server.delete", {
      token: tokens.admin,
      body: JSON.stringify({ concurrency: 3 })
    })
  )
  answers.push(yield* record("POST /admin/drain", "POST", "/admin/drain", { token: tokens.admin }))
  // A sample of the fuzzer's requests, a few of each endpoint's.
  const tasks = yield* makeKnownTasks
  const servers = yield* makeKnownServers
  const attached = yield* makeKnownAttachments
  const backups = yield* makeKnownBackups(attached)
  const base = yield* baseUrl
  for (const [name, arbitrary] of properties(tasks, servers, attached, backups)) {
    for (const c of fc.sample(arbitrary, { seed: 7, numRuns: 10 })) {
      const reply = yield* Effect.promise(() => sendCase(base, c))
      answers.push({ name: `fuzz ${name}`, method: c.method, path: c.path, reply })
    }
  }
  return answers
})

/** The document's schemas made checkable: `$id`s dropped (the platform repeats `/schemas/unknown`). */
const withoutIds = (u: unknown): unknown =>
  Array.isArray(u)
    ? u.map(withoutIds)
    : isJson(u)
      ? Object.fromEntries(Object.entries(u).flatMap(([k, v]) => (k === "$id" ? [] : [[k, withoutIds(v)]])))
      : u

const checker = (document: Json) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
  const components = withoutIds(document.components)
  const compiled = new Map<string, ValidateFunction>()
  return (schema: unknown): ValidateFunction => {
    const key = JSON.stringify(schema)
    const known = compiled.get(key)
    if (known !== undefined) return known
    const stripped = withoutIds(schema)
    const fresh = ajv.compile({ ...(isJson(stripped) ? stripped : {}), components })
    compiled.set(key, fresh)
    return fresh
  }
}

/** The operation a request is for: its template matched segment by segment, and its method. */
const operationFor = (document: Json, method: string, path: string) => {
  const bare = path.split("?")[0] ?? path
  const paths = isJson(document.paths) ? document.paths : {}
  for (const [template, item] of Object.entries(paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`)
    if (!pattern.test(bare) || !isJson(item)) continue
    const operation = item[method.toLowerCase()]
    return isJson(operation) ? { template, operation } : undefined
  }
  return undefined
}

/** What is wrong with an answer against the document, or undefined. */
const againstDocument = (
  document: Json,
  validator: (schema: unknown) => ValidateFunction,
  answer: Recorded
): string | undefined => {
  const { reply } = answer
  const found = operationFor(document, answer.method, answer.path)
  const body = json(reply)
  if (found === undefined) {
    // Not an operation (no such route, /openapi.json): an error is still OpenStack's document.
    if (reply.status < 400) return undefined
    const schemas =
      isJson(document.components) && isJson(document.components.schemas) ? document.components.schemas : {}
    const validate = validator(schemas.ErrorDocument)
    return validate(body) ? undefined : `not an ErrorDocument: ${ajvErrors(validate)}`
  }
  const responses = isJson(found.operation.responses) ? found.operation.responses : {}
  const response = responses[String(reply.status)]
  if (!isJson(response))
    return `${reply.status} is not a documented answer of ${answer.method} ${found.template}`
  const content = isJson(response.content) ? response.content : undefined
  if (content === undefined) return reply.text === "" ? undefined : "a body where the document has none"
  const mediaType = (reply.contentType ?? "").split(";")[0]?.trim() ?? ""
  const media = content[mediaType]
  if (!isJson(media)) return `content type ${mediaType}, documented ${Object.keys(content).join(", ")}`
  if (mediaType !== "application/json") return undefined
  const validate = validator(media.schema)
  return validate(body) ? undefined : `body invalid against the document: ${ajvErrors(validate)}`
}

/**
 * What is wrong with an accepted request's query against the document, or undefined: a documented
 * parameter (`in: query`) must have a value valid against its schema; and a porcelain command, which
 * refuses parameters it does not have (reads ignore them), must have taken only documented ones.
 */
const queryAgainstDocument = (
  document: Json,
  validator: (schema: unknown) => ValidateFunction,
  answer: Recorded
): string | undefined => {
  const found = operationFor(document, answer.method, answer.path)
  if (found === undefined || answer.reply.status >= 400) return undefined
  const parameters = Array.isArray(found.operation.parameters) ? found.operation.parameters : []
  const documented = new Map(
    parameters.flatMap((p: unknown) => (isJson(p) && p.in === "query" ? [[String(p.name), p.schema]] : []))
  )
  for (const [name, value] of new URLSearchParams(answer.path.split("?")[1] ?? "")) {
    const strict = Array.isArray(found.operation.tags) && found.operation.tags.includes("porcelain")
    if (!documented.has(name)) {
      if (strict) return `query parameter ${name} was taken but is not documented`
      continue
    }
    const validate = validator(documented.get(name))
    if (!validate(value)) return `query ${name}=${value} was taken but is invalid: ${ajvErrors(validate)}`
  }
  return undefined
}

const ajvErrors = (validate: ValidateFunction) =>
  JSON.stringify(validate.errors?.slice(0, 3).map((e) => `${e.instancePath} ${e.message}`) ?? [])

const uuid = "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11"

/** A client made from the contract, which answers every request with the recorded answer. */
const replaying = (reply: Reply) =>
  HttpApiClient.make(EnamelApi, { baseUrl: "http://enamel.test" }).pipe(
    Effect.provideService(
      HttpClient.HttpClient,
      HttpClient.make((request) =>
        Effect.succeed(
          HttpClientResponse.fromWeb(
            request,
            new Response(reply.text === "" ? null : reply.text, {
              status: reply.status,
              headers: reply.contentType === null ? {} : { "content-type": reply.contentType }
            })
          )
        )
      )
    )
  )

type Client = Effect.Effect.Success<ReturnType<typeof replaying>>

/** How the client calls each operation (valid inputs; the answer is the recorded one whatever they are). */
const calls: Readonly<Record<string, (client: Client) => Effect.Effect<unknown, unknown>>> = {
  "versions.versions": (client) => client.versions.versions(),
  "porcelain.createServers": (client) =>
    client.porcelain.createServers({
      payload: {
        name: "web",
        image: "tiny",
        flavor: "m1.tiny",
        networks: [{ network: "private" }],
        count: 1,
        priority: 5
      },
      urlParams: {},
      headers: {}
    }),
  "porcelain.deleteServer": (client) =>
    client.porcelain.deleteServer({ path: { id: uuid }, urlParams: { delete_backups: true }, headers: {} }),
  "porcelain.attachServerVolume": (client) =>
    client.porcelain.attachServerVolume({
      path: { id: uuid },
      payload: { size_gb: 1, priority: 5 },
      urlParams: {},
      headers: {}
    }),
  "porcelain.detachServerVolume": (client) =>
    client.porcelain.detachServerVolume({ path: { id: uuid, volume_id: uuid }, urlParams: {}, headers: {} }),
  "porcelain.attachServerFloatingIp": (client) =>
    client.porcelain.attachServerFloatingIp({
      path: { id: uuid },
      payload: { network: "public", priority: 5 },
      urlParams: {},
      headers: {}
    }),
  "porcelain.detachServerFloatingIp": (client) =>
    client.porcelain.detachServerFloatingIp({
      path: { id: uuid, floating_ip_id: uuid },
      urlParams: {},
      headers: {}
    }),
  "porcelain.attachServerInterface": (client) =>
    client.porcelain.attachServerInterface({
      path: { id: uuid },
      payload: { network: "private", priority: 5 },
      urlParams: {},
      headers: {}
    }),
  "porcelain.detachServerInterface": (client) =>
    client.porcelain.detachServerInterface({ path: { id: uuid, port_id: uuid }, urlParams: {}, headers: {} }),
  "porcelain.backupServer": (client) =>
    client.porcelain.backupServer({
      path: { id: uuid },
      payload: { name: "nightly", volumes: "all", priority: 5 },
      urlParams: {},
      headers: {}
    }),
  "porcelain.deleteServerBackup": (client) =>
    client.porcelain.deleteServerBackup({ path: { id: uuid, backup_id: uuid }, urlParams: {}, headers: {} }),
  "porcelain.resizeServer": (client) =>
    client.porcelain.resizeServer({
      path: { id: uuid },
      payload: { flavor: "m1.small", priority: 5 },
      urlParams: {},
      headers: {}
    }),
  "porcelain.rebuildServer": (client) =>
    client.porcelain.rebuildServer({
      path: { id: uuid },
      payload: { image: "tiny", priority: 5 },
      urlParams: {},
      headers: {}
    }),
  "porcelain.createNetwork": (client) =>
    client.porcelain.createNetwork({
      payload: { name: "lab", ip_version: 4, priority: 5 },
      urlParams: {},
      headers: {}
    }),
  "servers.getServer": (client) => client.servers.getServer({ path: { id: uuid } }),
  "servers.listServerBackups": (client) => client.servers.listServerBackups({ path: { id: uuid } }),
  "porcelain.deleteNetwork": (client) =>
    client.porcelain.deleteNetwork({ path: { id: uuid }, urlParams: {}, headers: {} }),
  "networks.getNetwork": (client) => client.networks.getNetwork({ path: { id: uuid } }),
  "tasks.listTasks": (client) => client.tasks.listTasks({ urlParams: {} }),
  "tasks.getTask": (client) => client.tasks.getTask({ path: { id: uuid }, urlParams: {} }),
  "tasks.taskEvents": (client) => client.tasks.taskEvents({ path: { id: uuid }, headers: {} }),
  "tasks.cancelTask": (client) => client.tasks.cancelTask({ path: { id: uuid } }),
  "tasks.retryTask": (client) => client.tasks.retryTask({ path: { id: uuid } }),
  "tasks.rollbackTask": (client) => client.tasks.rollbackTask({ path: { id: uuid } }),
  "tasks.deleteTask": (client) => client.tasks.deleteTask({ path: { id: uuid } }),
  "admin.listTopics": (client) => client.admin.listTopics(),
  "admin.setTopic": (client) =>
    client.admin.setTopic({ path: { topic: "server.create" }, payload: { concurrency: 2 } }),
  "admin.drain": (client) => client.admin.drain()
}

/** What is wrong with the client's reading of an answer, or undefined. */
const byTheClient = (document: Json, answer: Recorded) =>
  Effect.gen(function* () {
    const found = operationFor(document, answer.method, answer.path)
    if (found === undefined) return undefined
    const operationId = String(found.operation.operationId)
    const call = calls[operationId]
    if (call === undefined) return `no client call for ${operationId}: add it to the test`
    const exit = yield* Effect.exit(Effect.flatMap(replaying(answer.reply), call))
    if (Exit.isSuccess(exit)) return answer.reply.status < 400 ? undefined : "an error read as a success"
    const error = Option.getOrUndefined(Cause.failureOption(exit.cause))
    if (!isApiError(error)) return `not a typed error: ${Cause.pretty(exit.cause).slice(0, 300)}`
    const wire = json(answer.reply)
    const first = isJson(wire) && Array.isArray(wire.errors) && isJson(wire.errors[0]) ? wire.errors[0] : {}
    if (error.status !== answer.reply.status || error.code !== first.code || error.detail !== first.detail) {
      return `read as ${error._tag} ${error.code}, the answer was ${answer.reply.status} ${String(first.code)}`
    }
    return undefined
  })

describe("/openapi.json against live answers", () => {
  layer(Layer.provideMerge(FixturesLive, Layer.provideMerge(TopicSettings.Default, TestApi)), {
    timeout: 30_000,
    excludeTestServices: true
  })((it) => {
    it.effect(
      "every answer has a documented status and a body valid against its schema, and a client reads it",
      () =>
        Effect.gen(function* () {
          const document = yield* Effect.flatMap(record("openapi", "GET", "/openapi.json"), ({ reply }) =>
            Effect.sync(() => json(reply))
          )
          if (!isJson(document)) return yield* Effect.die("no document")
          const validator = checker(document)
          const answers = yield* collect
          const wrong: Array<string> = []
          for (const answer of answers) {
            const where = `${answer.name}: ${answer.method} ${answer.path.slice(0, 80)} → ${answer.reply.status}`
            const documented = againstDocument(document, validator, answer)
            if (documented !== undefined) wrong.push(`${where}: ${documented}`)
            const query = queryAgainstDocument(document, validator, answer)
            if (query !== undefined) wrong.push(`${where}: ${query}`)
            const read = yield* byTheClient(document, answer)
            if (read !== undefined) wrong.push(`${where}: the client: ${read}`)
          }
          expect(wrong).toEqual([])
          // And the checks can fail: the shape the document used to show is refused by both.
          const platformShaped: Recorded = {
            name: "the platform's shape",
            method: "GET",
            path: `/tasks/${uuid}`,
            reply: {
              status: 404,
              requestId: null,
              contentType: "application/json",
              text: JSON.stringify({ _tag: "NotFound", code: ErrorCode.taskNotFound, detail: "gone" })
            }
          }
          expect(againstDocument(document, validator, platformShaped)).toContain(
            "invalid against the document"
          )
          expect(yield* byTheClient(document, platformShaped)).toContain("not a typed error")
          // A query the document does not have, or a value it does not allow, is caught too.
          const accepted = answers.find((a) => a.name === "DELETE with its backups")
          expect(accepted?.reply.status).toBe(202)
          if (accepted === undefined) return
          for (const [query, problem] of [
            ["delete_backups=true&undocumented=1", "undocumented was taken but is not documented"],
            ["delete_backups=yes", "delete_backups=yes was taken but is invalid"]
          ] as const) {
            const path = `${accepted.path.split("?")[0]}?${query}`
            expect(queryAgainstDocument(document, validator, { ...accepted, path })).toContain(problem)
          }
          // The sample reaches the answers that matter: successes and every kind of error.
          const statuses = new Set(answers.map((a) => a.reply.status))
          for (const status of [200, 202, 400, 401, 403, 404, 406, 409, 413, 415])
            expect(statuses).toContain(status)
          // Every operation of the document was answered at least once.
          const answered = new Set(
            answers.flatMap((a) => {
              const found = operationFor(document, a.method, a.path)
              return found === undefined ? [] : [String(found.operation.operationId)]
            })
          )
          expect([...answered].sort()).toEqual(Object.keys(calls).sort())
        }),
      // Some 300 real requests: about 20 s alone, over a minute on a loaded 2-vCPU host.
      120_000
    )
  })
})
