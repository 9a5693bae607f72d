/**
 * The fuzzer's runs, shared by the fast tier (`fuzz.fast.test.ts`, in memory, 625 cases) and
 * the main tier (`fuzz.test.ts`, real PostgreSQL, every case): every endpoint, seeded, each answer judged
 * by `verdict.ts`; and oversized bodies, declared or chunked.
 */
import { request } from "node:http"
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { expect } from "@effect/vitest"
import { ErrorCode } from "@enamel/domain"
import { Effect } from "effect"
import fc from "fast-check"
import { send, serverOf, tokens } from "../harness.js"
import { adminEndpoints } from "./adminEndpoints.js"
import {
  attach,
  detach,
  type KnownAttachments,
  makeKnownAttachments,
  readServer,
  rebuild,
  resize
} from "./attachEndpoints.js"
import { createBackup, deleteBackup, type KnownBackups, makeKnownBackups } from "./backupEndpoints.js"
import { type Case, fault } from "./cases.js"
import { createServers, deleteServer, type KnownServers, otherMethods, versions } from "./serverEndpoints.js"
import { type KnownTasks, listTasks, taskById, taskEvents, taskTakeUp } from "./taskEndpoints.js"
import { sendCase, verdict } from "./verdict.js"

/** The full run's size; FUZZ_RUNS replaces a tier's default. */
export const fullRuns = 14_300

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

export const baseUrl = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : "http://127.0.0.1:0"
)

/** One PENDING and one CANCELLED task for each of alice and bob. */
export const makeKnownTasks = Effect.gen(function* () {
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

/** A server of each user's in the cloud double. */
export const makeKnownServers = Effect.gen(function* () {
  return { alice: yield* serverOf("alice"), bob: yield* serverOf("bob") } satisfies KnownServers
})

/** Every endpoint's arbitrary, with its share of a full run. */
export const properties = (
  tasks: KnownTasks,
  servers: KnownServers,
  attached: KnownAttachments,
  backups: KnownBackups
): ReadonlyArray<readonly [string, fc.Arbitrary<Case>, number]> => [
  ["GET / and /openapi.json", versions, 600],
  ["PUT, PATCH, OPTIONS", otherMethods, 200],
  ["POST /servers", createServers, 3_500],
  ["DELETE /servers/{id}", deleteServer(servers), 1_000],
  ["GET /tasks", listTasks(tasks), 2_000],
  ["GET|POST|DELETE /tasks/{id}[/cancel]", taskById(tasks), 2_000],
  ["POST /tasks/{id}/retry|rollback", taskTakeUp(tasks), 300],
  ["GET /tasks/{id}/events", taskEvents(tasks), 1_000],
  ["GET|PATCH /admin/topics[/{topic}], POST /admin/drain", adminEndpoints, 500],
  ["GET /servers/{id}", readServer(attached), 400],
  ["POST /servers/{id}/volumes", attach(attached, "volumes"), 500],
  ["DELETE /servers/{id}/volumes/{volume_id}", detach(attached, "volumes"), 300],
  ["POST /servers/{id}/interfaces", attach(attached, "interfaces"), 500],
  ["DELETE /servers/{id}/interfaces/{port_id}", detach(attached, "interfaces"), 300],
  ["POST /servers/{id}/floating-ips", attach(attached, "floating-ips"), 400],
  ["DELETE /servers/{id}/floating-ips/{floating_ip_id}", detach(attached, "floating-ips"), 300],
  ["POST /servers/{id}/backups", createBackup(attached), 400],
  ["GET /servers/{id}/backups", readServer(attached, "/backups"), 200],
  ["DELETE /servers/{id}/backups/{backup_id}", deleteBackup(attached, backups), 200],
  ["POST /servers/{id}/resize", resize(attached), 400],
  ["POST /servers/{id}/rebuild", rebuild(attached), 400]
]

/**
 * `runs` seeded cases over every endpoint: no 5xx, a 2xx only for a valid request, every 4xx OpenStack's
 * error document whose detail names the problem. Prints its seed; FUZZ_SEED=<seed> replays it.
 */
export const fuzzEveryEndpoint = (runs: number, seed: number) =>
  Effect.gen(function* () {
    console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`)
    const scale = runs / fullRuns
    const tasks = yield* makeKnownTasks
    const servers = yield* makeKnownServers
    const attached = yield* makeKnownAttachments
    const backups = yield* makeKnownBackups(attached)
    const base = yield* baseUrl
    const statuses = new Map<number, number>()
    const started = Date.now()
    yield* Effect.promise(() =>
      Promise.all(
        properties(tasks, servers, attached, backups).map(([name, arbitrary, share], i) => {
          const began = Date.now()
          const numRuns = Math.max(1, Math.round(share * scale))
          return fc
            .assert(
              fc.asyncProperty(arbitrary, async (c) => {
                const reply = await sendCase(base, c)
                statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
                const wrong = verdict(c, reply)
                if (wrong !== undefined)
                  throw new Error(`${name}: ${c.method} ${c.path.slice(0, 200)} → ${wrong}`)
              }),
              { seed: seed + i, numRuns }
            )
            .then(() => console.log(`fuzz: ${name}: ${numRuns} cases in ${Date.now() - began} ms`))
        })
      )
    )
    const total = [...statuses.values()].reduce((a, b) => a + b, 0)
    console.log(
      `fuzz: ${total} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`
    )
    expect(total).toBeGreaterThanOrEqual(Math.round(0.95 * fullRuns * scale))
    // Valid requests were accepted, not only refused.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(0)
    // The server is still up and its database still answers.
    expect((yield* send("GET", "/")).status).toBe(200)
    const sql = yield* SqlClient.SqlClient
    expect((yield* sql`SELECT count(*)::int AS n FROM tasks`)[0]?.n).toBeGreaterThan(4)
  })

/** Bodies over the limit get 413, declared or sent chunked; an abandoned upload ends only itself. */
export const oversizedBodies = Effect.gen(function* () {
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
  expect(huge.body).toContain(ErrorCode.requestTooLarge)
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
