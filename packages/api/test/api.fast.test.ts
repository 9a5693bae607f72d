/**
 * The API over in-memory services (PGlite, the in-process broker, the cloud double, static tokens): its
 * answers, the table of client mistakes, projects kept apart, pages, the event stream.
 */
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { ErrorCode } from "@enamel/domain"
import { registry } from "@enamel/domain/flows"
import { CloudDouble, Fault } from "@enamel/openstack-clients/testing"
import { CheckpointsPg } from "@enamel/persistence"
import { DateTime, Effect, Layer } from "effect"
import { errorCases, Fixtures, FixturesLive, firstError, pathOf, sendCase, server } from "./errorCases.js"
import { type Answer, send, serverOf, TestApi, TestCallers, tokens } from "./harness.js"

const taskOf = (answer: Answer) =>
  (answer.body as { task: { id: string; state: string; type: string; project_id: string; params: unknown } })
    .task

const idsOf = (answer: Answer) => (answer.body as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)

describe("Enamel API", () => {
  // The live clock: the API runs as deployed (Nova's retries sleep for real, briefly).
  layer(Layer.provideMerge(FixturesLive, TestApi), { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("GET / is the versions document, with OpenStack's headers and every registered task type", () =>
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
        // No token was sent. The links are absolute, from the Host the client asked with (API-SIG).
        const port = (yield* HttpServer.HttpServer).address
        const root = `http://127.0.0.1:${port._tag === "TcpAddress" ? port.port : 0}`
        expect((answer.body as { versions: Array<{ links: unknown }> }).versions[0]?.links).toEqual([
          { rel: "self", href: `${root}/` },
          { rel: "describedby", href: `${root}/openapi.json` }
        ])
        // Behind a TLS-terminating proxy, the links say https.
        const proxied = yield* send("GET", "/", { headers: { "x-forwarded-proto": "https" } })
        expect((proxied.body as { versions: Array<{ links: unknown }> }).versions[0]?.links).toEqual([
          { rel: "self", href: `${root.replace("http:", "https:")}/` },
          { rel: "describedby", href: `${root.replace("http:", "https:")}/openapi.json` }
        ])
        const offered = (answer.body as { versions: Array<{ task_types: Array<unknown> }> }).versions[0]
        expect(offered?.task_types).toEqual(
          registry.commands.map((c) => ({
            type: c.type,
            method: c.method,
            path: c.path,
            description: c.description
          }))
        )
      })
    )

    it.effect("serves the OpenAPI document generated from the contract", () =>
      Effect.gen(function* () {
        const answer = yield* send("GET", "/openapi.json")
        expect(answer.status).toBe(200)
        expect(Object.keys((answer.body as { paths: object }).paths)).toEqual(
          expect.arrayContaining([
            "/",
            "/servers",
            "/servers/{id}",
            "/tasks",
            "/tasks/{id}",
            "/tasks/{id}/cancel"
          ])
        )
      })
    )

    for (const c of errorCases) {
      it.effect(
        `${c.method} ${typeof c.path === "string" ? c.path.slice(0, 60) : "…"}: ${c.name} → ${c.status} ${c.code}`,
        () =>
          Effect.gen(function* () {
            const fixtures = yield* Fixtures
            const answer = yield* sendCase(c)
            expect(answer.status, `${c.method} ${pathOf(c, fixtures)}`).toBe(c.status)
            const error = firstError(answer)
            expect(error.status).toBe(c.status)
            expect(error.code).toBe(c.code)
            expect(error.request_id).toBe(answer.headers.get("x-openstack-request-id"))
            if (c.detail !== undefined) {
              expect(error.detail).toBe(typeof c.detail === "string" ? c.detail : c.detail(fixtures))
            }
            if (c.mentions !== undefined) expect(error.detail).toContain(c.mentions)
            // Never a dump of the schema, a meaningless alternative, or the platform's words.
            expect(error.detail).not.toMatch(/Expected|undefined|readonly|ReadonlyArray|\{ \{/)
          })
      )
    }

    it.effect(
      "POST /servers answers 202 with the task and its Location; the same Idempotency-Key gives the same task",
      () =>
        Effect.gen(function* () {
          const { alice } = yield* TestCallers
          const key = { "idempotency-key": crypto.randomUUID() }
          const first = yield* send("POST", "/servers", { token: tokens.alice, body: server, headers: key })
          expect(first.status).toBe(202)
          const task = taskOf(first)
          expect(task).toMatchObject({
            state: "PENDING",
            project_id: alice.projectId,
            type: "server.create"
          })
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
          expect(firstError(other).code).toBe(ErrorCode.taskIdempotencyConflict)
        })
    )

    it.effect("DELETE /servers/{id} of the caller's own server answers 202 with a server.delete task", () =>
      Effect.gen(function* () {
        const id = yield* serverOf("alice", "mine")
        const answer = yield* send("DELETE", `/servers/${id}`, { token: tokens.alice })
        expect(answer.status).toBe(202)
        expect(taskOf(answer)).toMatchObject({ type: "server.delete", params: { server_id: id } })
        // The same server is bob's to delete no more than alice's is bob's to see.
        const theirs = yield* send("DELETE", `/servers/${id}`, { token: tokens.bob })
        expect([theirs.status, firstError(theirs).code]).toEqual([404, ErrorCode.serverNotFound])
      })
    )

    it.effect(
      "DELETE /servers/{id}?delete_backups=true of a server with backups answers 202; the flag is in the params",
      () =>
        Effect.gen(function* () {
          const { aliceBackedUp } = yield* Fixtures
          const path = `/servers/${aliceBackedUp.server}`
          const refused = yield* send("DELETE", path, { token: tokens.alice })
          expect([refused.status, firstError(refused).code]).toEqual([409, ErrorCode.serverHasBackups])
          const answer = yield* send("DELETE", `${path}?delete_backups=true`, { token: tokens.alice })
          expect(answer.status).toBe(202)
          expect(taskOf(answer)).toMatchObject({
            type: "server.delete",
            params: { server_id: aliceBackedUp.server, delete_backups: true }
          })
          // Left out, the flag is not stored at all: such a task's params are what they were before it existed.
          const plain = yield* serverOf("alice", "plain")
          const without = yield* send("DELETE", `/servers/${plain}`, { token: tokens.alice })
          expect(taskOf(without).params).toEqual({ server_id: plain })
        })
    )

    it.effect("DELETE /servers/{id} answers 503 with Retry-After when Nova cannot say", () =>
      Effect.gen(function* () {
        const cloud = yield* CloudDouble.CloudDouble
        const id = yield* serverOf("alice", "unsure")
        const fault = yield* cloud.inject({
          service: "nova",
          method: "GET",
          path: `/servers/${id}`,
          answer: Fault.status(503)
        })
        const answer = yield* send("DELETE", `/servers/${id}`, { token: tokens.alice })
        yield* fault.remove
        expect(answer.status).toBe(503)
        expect(answer.headers.get("retry-after")).toBe("5")
        expect(firstError(answer)).toMatchObject({ code: ErrorCode.serviceUnavailable })
        expect(firstError(answer).detail).toContain(id)
      })
    )

    it.effect(
      "a task is visible and cancellable only inside its project; admins may list across projects",
      () =>
        Effect.gen(function* () {
          const created = taskOf(yield* send("POST", "/servers", { token: tokens.alice, body: server }))
          const mine = yield* send("GET", "/tasks", { token: tokens.alice })
          expect(idsOf(mine)).toContain(created.id)
          const theirs = yield* send("GET", "/tasks?scope=project&state=all", { token: tokens.bob })
          expect(idsOf(theirs)).not.toContain(created.id)
          expect((yield* send("GET", `/tasks/${created.id}`, { token: tokens.bob })).status).toBe(404)
          expect((yield* send("POST", `/tasks/${created.id}/cancel`, { token: tokens.bob })).status).toBe(404)
          const all = yield* send("GET", "/tasks?all_projects=true&state=all", { token: tokens.admin })
          expect(idsOf(all)).toContain(created.id)
          const detail = yield* send("GET", `/tasks/${created.id}`, { token: tokens.alice })
          expect(detail.status).toBe(200)
          expect(detail.body).toMatchObject({ task: { id: created.id, timeline: [] } })
          const cancelled = yield* send("DELETE", `/tasks/${created.id}`, { token: tokens.alice })
          expect(cancelled.status).toBe(202)
          expect(taskOf(cancelled).state).toBe("CANCELLED")
          const twice = yield* send("POST", `/tasks/${created.id}/cancel`, { token: tokens.alice })
          expect(twice.status).toBe(409)
          expect(firstError(twice).code).toBe(ErrorCode.taskNotCancellable)
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
        expect(idsOf(rest)).not.toContain(body.tasks[0]?.id)
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
        const { alice } = yield* TestCallers
        yield* send("POST", "/servers", { token: tokens.alice, body: server })
        const sql = yield* SqlClient.SqlClient
        const dump = JSON.stringify([
          yield* sql`SELECT * FROM tasks`,
          yield* sql`SELECT * FROM task_outbox`,
          yield* sql`SELECT * FROM task_timeline`
        ])
        for (const token of Object.values(tokens)) expect(dump).not.toContain(token)
        expect(dump).toContain(`memory://keys/${alice.userId}/${alice.projectId}`)
      })
    )
  })
})
