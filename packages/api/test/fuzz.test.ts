/**
 * Property-based fuzzing of every endpoint of the contract (fast-check): bodies, headers, path and
 * query, right and wrong. No 5xx, no crash, 2xx only for valid requests, every 4xx OpenStack's error
 * document naming what was wrong (see fuzz/verdict.ts). Seeded: FUZZ_SEED=<n> replays a run; the seed is
 * printed. FUZZ_RUNS scales the number of cases (default 10,300).
 */
import { request } from "node:http"
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { type Case, fault } from "./fuzz/cases.js"
import { createServers, deleteServer, otherMethods, versions } from "./fuzz/serverEndpoints.js"
import { type KnownTasks, listTasks, taskById, taskEvents } from "./fuzz/taskEndpoints.js"
import { sendCase, verdict } from "./fuzz/verdict.js"
import { send, TestApi, tokens } from "./harness.js"

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const scale = Number(process.env.FUZZ_RUNS ?? 10_300) / 10_300

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

const baseUrl = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : "http://127.0.0.1:0"
)

/** One PENDING and one CANCELLED task for each of alice and bob. */
const makeKnownTasks = Effect.gen(function* () {
  const create = (token: string) =>
    Effect.map(
      send("POST", "/servers", { token, body: server }),
      (a) => (a.body as { task: { id: string } }).task.id
    )
  const pair = (token: string) =>
    Effect.gen(function* () {
      const active = yield* create(token)
      const done = yield* create(token)
      expect((yield* send("POST", `/tasks/${done}/cancel`, { token })).status).toBe(202)
      return { active, done }
    })
  return { alice: yield* pair(tokens.alice), bob: yield* pair(tokens.bob) } satisfies KnownTasks
})

describe("fuzzing every endpoint", () => {
  it.layer(TestApi, { timeout: 300_000 })((it) => {
    it.effect(
      `${Math.round(10_300 * scale)} seeded cases (FUZZ_SEED=${seed}): no 5xx, every 4xx names the problem`,
      () =>
        Effect.gen(function* () {
          console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`)
          const known = yield* makeKnownTasks
          const base = yield* baseUrl
          const statuses = new Map<number, number>()
          const properties: ReadonlyArray<readonly [string, fc.Arbitrary<Case>, number]> = [
            ["GET / and /openapi.json", versions, 600],
            ["PUT, PATCH, OPTIONS", otherMethods, 200],
            ["POST /servers", createServers, 3_500],
            ["DELETE /servers/{id}", deleteServer, 1_000],
            ["GET /tasks", listTasks(known), 2_000],
            ["GET|POST|DELETE /tasks/{id}[/cancel]", taskById(known), 2_000],
            ["GET /tasks/{id}/events", taskEvents(known), 1_000]
          ]
          const started = Date.now()
          yield* Effect.promise(() =>
            Promise.all(
              properties.map(([name, arbitrary, runs], i) => {
                const began = Date.now()
                return fc
                  .assert(
                    fc.asyncProperty(arbitrary, async (c) => {
                      const reply = await sendCase(base, c)
                      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
                      const wrong = verdict(c, reply)
                      if (wrong !== undefined)
                        throw new Error(`${name}: ${c.method} ${c.path.slice(0, 200)} → ${wrong}`)
                    }),
                    { seed: seed + i, numRuns: Math.max(1, Math.round(runs * scale)) }
                  )
                  .then(() =>
                    console.log(
                      `fuzz: ${name}: ${Math.round(runs * scale)} cases in ${Date.now() - began} ms`
                    )
                  )
              })
            )
          )
          const total = [...statuses.values()].reduce((a, b) => a + b, 0)
          console.log(
            `fuzz: ${total} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`
          )
          expect(total).toBeGreaterThanOrEqual(Math.round(10_000 * scale))
          // Valid requests were accepted, not only refused.
          expect(statuses.get(202) ?? 0).toBeGreaterThan(0)
          // The server is still up and its database still answers.
          expect((yield* send("GET", "/")).status).toBe(200)
          const sql = yield* SqlClient.SqlClient
          expect((yield* sql`SELECT count(*)::int AS n FROM tasks`)[0]?.n).toBeGreaterThan(4)
        }),
      240_000
    )

    it.effect("oversized bodies are refused with 413, declared or chunked, and the server serves on", () =>
      Effect.gen(function* () {
        const base = yield* baseUrl
        const big = JSON.stringify({ ...server, user_data: "x".repeat(300_000) })
        const declared = yield* Effect.promise(() =>
          sendCase(base, {
            method: "POST",
            path: "/servers",
            headers: { "x-auth-token": tokens.alice, "content-type": "application/json" },
            body: big,
            authenticated: true,
            ok: 202,
            faults: [fault("size", 413, "body")]
          })
        )
        expect(declared.status).toBe(413)
        // No Content-Length: 1 MB in 64 kB chunks; the server stops reading at its limit.
        const chunked = (chunks: ReadonlyArray<string>) =>
          Effect.async<{ status: number; body: string }, Error>((resume) => {
            // node:http, as a plain client: it reads the answer even while its upload is still going.
            const req = request(`${base}/servers`, {
              method: "POST",
              headers: { "x-auth-token": tokens.alice, "content-type": "application/json" },
              timeout: 15_000
            })
            req.on("response", (res) => {
              let body = ""
              res.on("data", (chunk: Buffer) => {
                body += chunk.toString()
              })
              res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, body })))
            })
            req.on("error", (e) => resume(Effect.fail(e)))
            for (const chunk of chunks) req.write(chunk)
            req.end()
          })
        const sql = yield* SqlClient.SqlClient
        const tasks = sql`SELECT count(*)::int AS n FROM tasks`
        const before = yield* tasks
        const huge = yield* chunked(Array.from({ length: 16 }, () => " ".repeat(65_536)))
        expect(huge.status).toBe(413)
        expect(huge.body).toContain("request.too_large")
        expect(yield* tasks).toEqual(before)
        // An upload the client abandons midway ends that request, not the server.
        yield* Effect.async<void>((resume) => {
          const abandoned = request(`${base}/servers`, {
            method: "POST",
            headers: { "x-auth-token": tokens.alice, "content-type": "application/json" }
          })
          abandoned.on("error", () => resume(Effect.void))
          abandoned.write("x".repeat(10_000), () => setTimeout(() => abandoned.destroy(), 50))
        })
        const small = yield* chunked([JSON.stringify(server).slice(0, 10), JSON.stringify(server).slice(10)])
        expect(small.status).toBe(202)
        expect((yield* send("GET", "/")).status).toBe(200)
        expect((yield* send("POST", "/servers", { token: tokens.bob, body: server })).status).toBe(202)
      })
    )
  })
})
