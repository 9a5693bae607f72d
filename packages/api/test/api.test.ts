import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { CheckpointsPg } from "@enamel/persistence"
import { DateTime, Effect } from "effect"
import { type Answer, send, TestApi, tokens } from "./harness.js"

const server = {
  name: "web",
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 1 },
  networks: [{ network: "private", floating_ip: { network: "public" } }]
}

/** The first error of an OpenStack error document. */
const firstError = (answer: Answer) => {
  const body = answer.body
  if (typeof body !== "object" || body === null || !("errors" in body) || !Array.isArray(body.errors)) {
    throw new Error(`not an OpenStack error document: ${JSON.stringify(body)}`)
  }
  return body.errors[0] as { status: number; code: string; detail: string; request_id: string }
}

const taskOf = (answer: Answer) =>
  (answer.body as { task: { id: string; state: string; project_id: string } }).task

/** Every client mistake, as a table: what is sent, what comes back (status, code, and the named field). */
const badRequests: ReadonlyArray<{
  readonly name: string
  readonly method: string
  readonly path: string
  readonly token?: string
  readonly body?: unknown
  readonly raw?: string
  readonly headers?: Record<string, string>
  readonly status: number
  readonly code: string
  readonly mentions?: string
}> = [
  {
    name: "no token",
    method: "POST",
    path: "/servers",
    body: server,
    status: 401,
    code: "auth.invalid_token"
  },
  {
    name: "bad token",
    method: "GET",
    path: "/tasks",
    token: "nope",
    status: 401,
    code: "auth.invalid_token"
  },
  {
    name: "broken JSON",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "{",
    status: 400,
    code: "request.malformed"
  },
  {
    name: "not JSON",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "name=web",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    code: "request.unsupported_media_type",
    mentions: "Content-Type"
  },
  {
    name: "too large",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, user_data: "x".repeat(300_000) },
    status: 413,
    code: "request.too_large"
  },
  {
    name: "no image",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, image: undefined },
    status: 400,
    code: "request.invalid",
    mentions: "image"
  },
  {
    name: "count 0",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, count: 0 },
    status: 400,
    code: "request.invalid",
    mentions: "count"
  },
  {
    name: "network and port at once",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: [{ network: "private", port: "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11" }] },
    status: 400,
    code: "request.invalid",
    mentions: "networks[0]"
  },
  {
    name: "no networks",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, networks: [] },
    status: 400,
    code: "request.invalid",
    mentions: "networks"
  },
  {
    name: "bad public key",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, keypair: { name: "k", public_key: "hello" } },
    status: 400,
    code: "request.invalid",
    mentions: "keypair.public_key"
  },
  {
    name: "bad limit",
    method: "GET",
    path: "/tasks?limit=abc",
    token: tokens.alice,
    status: 400,
    code: "request.invalid",
    mentions: "limit"
  },
  {
    name: "bad task id",
    method: "GET",
    path: "/tasks/not-a-uuid",
    token: tokens.alice,
    status: 400,
    code: "request.invalid",
    mentions: "id"
  },
  {
    name: "unknown task",
    method: "GET",
    path: "/tasks/0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11",
    token: tokens.alice,
    status: 404,
    code: "task.not_found"
  },
  {
    name: "unknown route",
    method: "GET",
    path: "/nothing",
    token: tokens.alice,
    status: 404,
    code: "resource.not_found",
    mentions: "GET /nothing"
  },
  {
    name: "unserved microversion",
    method: "GET",
    path: "/",
    headers: { "openstack-api-version": "enamel 9.9" },
    status: 406,
    code: "api.version_not_acceptable",
    mentions: "OpenStack-API-Version"
  },
  {
    name: "all_projects as a member",
    method: "GET",
    path: "/tasks?all_projects=true",
    token: tokens.alice,
    status: 403,
    code: "auth.admin_required",
    mentions: "all_projects"
  },
  // Found by the fuzzer (fuzz.test.ts): each was a 5xx, a hang, or a silently accepted mistake.
  {
    name: "NUL in the list's type (was 503: PostgreSQL refused it)",
    method: "GET",
    path: "/tasks?type=server%00create",
    token: tokens.alice,
    status: 400,
    code: "request.invalid",
    mentions: "type"
  },
  {
    name: "NUL in a name (was 503)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, name: "web\u0000" },
    status: 400,
    code: "request.invalid",
    mentions: "name"
  },
  {
    name: "unpaired surrogate in user_data (was 503)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, user_data: "x\ud800" },
    status: 400,
    code: "request.invalid",
    mentions: "user_data"
  },
  {
    name: "empty metadata key (was accepted and dropped)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    body: { ...server, metadata: { "": "v" } },
    status: 400,
    code: "request.invalid",
    mentions: "metadata"
  },
  {
    name: "body nested 20,000 deep (was 500: the error formatter overflowed)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
    status: 400,
    code: "request.too_deep",
    mentions: "body"
  },
  {
    name: "a body that is not an object",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "42",
    status: 400,
    code: "request.invalid",
    mentions: "body"
  },
  {
    name: "unknown Content-Type with an empty body (hung once the depth check read the body)",
    method: "POST",
    path: "/servers",
    token: tokens.alice,
    raw: "",
    headers: { "content-type": "7q" },
    status: 415,
    code: "request.unsupported_media_type",
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
    code: "request.unsupported_media_type",
    mentions: "Content-Type"
  }
]

describe("Enamel API", () => {
  it.layer(TestApi, { timeout: 60_000 })((it) => {
    it.effect("GET / is the versions document, with OpenStack's headers", () =>
      Effect.gen(function* () {
        const answer = yield* send("GET", "/", {
          headers: { "x-openstack-request-id": "req-0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11" }
        })
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({
          versions: [{ id: "v1.0", status: "CURRENT", min_version: "1.0", max_version: "1.0" }]
        })
        expect(answer.headers.get("x-openstack-request-id")).toBe("req-0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11")
        expect(answer.headers.get("openstack-api-version")).toBe("enamel 1.0")
      })
    )

    it.effect("serves the OpenAPI document generated from the contract", () =>
      Effect.gen(function* () {
        const answer = yield* send("GET", "/openapi.json")
        expect(answer.status).toBe(200)
        expect(Object.keys((answer.body as { paths: object }).paths)).toEqual(
          expect.arrayContaining(["/", "/servers", "/tasks", "/tasks/{id}", "/tasks/{id}/cancel"])
        )
      })
    )

    for (const c of badRequests) {
      it.effect(`${c.method} ${c.path}: ${c.name} → ${c.status} ${c.code}`, () =>
        Effect.gen(function* () {
          const answer = yield* send(c.method, c.path, {
            ...(c.token === undefined ? {} : { token: c.token }),
            ...(c.body === undefined ? {} : { body: c.body }),
            ...(c.raw === undefined ? {} : { raw: c.raw }),
            ...(c.headers === undefined ? {} : { headers: c.headers })
          })
          expect(answer.status).toBe(c.status)
          const error = firstError(answer)
          expect(error.status).toBe(c.status)
          expect(error.code).toBe(c.code)
          expect(error.request_id).toBe(answer.headers.get("x-openstack-request-id"))
          if (c.mentions !== undefined) expect(error.detail).toContain(c.mentions)
        })
      )
    }

    it.effect(
      "POST /servers answers 202 with the task and its Location; the same Idempotency-Key gives the same task",
      () =>
        Effect.gen(function* () {
          const key = { "idempotency-key": crypto.randomUUID() }
          const first = yield* send("POST", "/servers", { token: tokens.alice, body: server, headers: key })
          expect(first.status).toBe(202)
          const task = taskOf(first)
          expect(task).toMatchObject({ state: "PENDING", project_id: "p-alpha", type: "server.create" })
          expect(first.headers.get("location")).toBe(`/tasks/${task.id}`)
          const again = yield* send("POST", "/servers", { token: tokens.alice, body: server, headers: key })
          expect(again.status).toBe(202)
          expect(taskOf(again).id).toBe(task.id)
          const other = yield* send("POST", "/servers", {
            token: tokens.alice,
            body: { ...server, name: "db" },
            headers: key
          })
          expect(other.status).toBe(409)
          expect(firstError(other).code).toBe("task.idempotency_conflict")
        })
    )

    it.effect(
      "a task is visible and cancellable only inside its project; admins may list across projects",
      () =>
        Effect.gen(function* () {
          const created = taskOf(yield* send("POST", "/servers", { token: tokens.alice, body: server }))
          const mine = yield* send("GET", "/tasks", { token: tokens.alice })
          expect((mine.body as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)).toContain(created.id)
          const theirs = yield* send("GET", "/tasks?scope=project&state=all", { token: tokens.bob })
          expect((theirs.body as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)).not.toContain(
            created.id
          )
          expect((yield* send("GET", `/tasks/${created.id}`, { token: tokens.bob })).status).toBe(404)
          expect((yield* send("POST", `/tasks/${created.id}/cancel`, { token: tokens.bob })).status).toBe(404)
          const all = yield* send("GET", "/tasks?all_projects=true&state=all", { token: tokens.admin })
          expect((all.body as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)).toContain(created.id)
          const detail = yield* send("GET", `/tasks/${created.id}`, { token: tokens.alice })
          expect(detail.status).toBe(200)
          expect(detail.body).toMatchObject({ task: { id: created.id, timeline: [] } })
          const cancelled = yield* send("DELETE", `/tasks/${created.id}`, { token: tokens.alice })
          expect(cancelled.status).toBe(202)
          expect(taskOf(cancelled).state).toBe("CANCELLED")
          const twice = yield* send("POST", `/tasks/${created.id}/cancel`, { token: tokens.alice })
          expect(twice.status).toBe(409)
          expect(firstError(twice).code).toBe("task.not_cancellable")
        })
    )

    it.effect("pages with limit and marker, linking to the next page", () =>
      Effect.gen(function* () {
        for (let i = 0; i < 3; i++) yield* send("POST", "/servers", { token: tokens.bob, body: server })
        const page = yield* send("GET", "/tasks?limit=2&state=all", { token: tokens.bob })
        const body = page.body as {
          tasks: Array<{ id: string }>
          tasks_links: Array<{ rel: string; href: string }>
        }
        expect(body.tasks).toHaveLength(2)
        const next = body.tasks_links.find((l) => l.rel === "next")
        expect(next?.href).toContain(`marker=${body.tasks[1]?.id}`)
        const rest = yield* send("GET", next?.href ?? "", { token: tokens.bob })
        expect((rest.body as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)).not.toContain(
          body.tasks[0]?.id
        )
      })
    )

    it.effect(
      "GET /tasks/{id}/events streams the timeline until the task ends, and resumes after Last-Event-ID",
      () =>
        Effect.gen(function* () {
          const task = taskOf(yield* send("POST", "/servers", { token: tokens.alice, body: server }))
          const checkpoints = yield* CheckpointsPg.make()
          const entry = (path: string) => ({
            taskId: task.id,
            path,
            phase: "run" as const,
            attempt: 1,
            state: "SUCCEEDED" as const,
            startedAt: DateTime.unsafeMake(Date.now()),
            endedAt: DateTime.unsafeMake(Date.now()),
            durationMs: 1,
            result: null,
            error: null,
            detail: { requestIds: [`req-${path}`] }
          })
          const first = yield* checkpoints.record(entry("resolve"))
          yield* checkpoints.record(entry("createPort"))
          const sql = yield* SqlClient.SqlClient
          yield* sql`UPDATE tasks SET state = 'SUCCEEDED', ended_at = now() WHERE id = ${task.id}`
          const all = yield* send("GET", `/tasks/${task.id}/events`, { token: tokens.alice })
          expect(all.status).toBe(200)
          expect(all.headers.get("content-type")).toContain("text/event-stream")
          const text = String(all.body)
          expect(text).toContain(`id: ${first}\nevent: stage\n`)
          expect(text.match(/event: stage/g)).toHaveLength(2)
          expect(text.trimEnd().split("\n\n").at(-1)).toContain('"state":"SUCCEEDED"')
          const resumed = yield* send("GET", `/tasks/${task.id}/events`, {
            token: tokens.alice,
            headers: { "last-event-id": String(first) }
          })
          expect(String(resumed.body).match(/event: stage/g)).toHaveLength(1)
          expect(String(resumed.body)).toContain("req-createPort")
          expect((yield* send("GET", `/tasks/${task.id}/events`, { token: tokens.bob })).status).toBe(404)
        })
    )

    it.effect("no token is written to the database", () =>
      Effect.gen(function* () {
        yield* send("POST", "/servers", { token: tokens.alice, body: server })
        const sql = yield* SqlClient.SqlClient
        const dump = JSON.stringify([
          yield* sql`SELECT * FROM tasks`,
          yield* sql`SELECT * FROM task_outbox`,
          yield* sql`SELECT * FROM task_timeline`
        ])
        for (const token of Object.values(tokens)) expect(dump).not.toContain(token)
        expect(dump).toContain("memory://keys/u-alice/p-alpha")
      })
    )
  })
})
