/**
 * PostgreSQL restarted for real while tasks are accepted and running: the API answers 202 or 503 with
 * Retry-After (never a 500, never a hang) and recovers by itself; the worker reconnects by itself; every
 * task that got a 202 finishes. Runs in the disruptive phase, alone.
 */
import { execFileSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerAmqp } from "@enamel/broker"
import { removeTopology } from "@enamel/broker/testing"
import { Flow, runnable, Stage } from "@enamel/domain"
import { ServerCreate } from "@enamel/domain/flows"
import { OutboxRelay } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { TaskFlowsLayer } from "@enamel/worker"
import { Effect, Fiber, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import { HttpLive } from "../../packages/api/src/ApiServer.js"
import { send, TestEdges, tokens } from "../../packages/api/test/harness.js"
import { TaskFlows, taskFlow } from "../../packages/worker/src/TaskFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import { configWith } from "../e2e/enamel.js"

const namespace = `pgrestart${crypto.randomUUID().slice(0, 8)}`
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics: ["server.create"], own: true })))

/** Stands in for server.create here: three short stages, no cloud. */
const step = Stage.make({
  name: "step",
  result: Schema.Number,
  run: (i: number) => Effect.as(Effect.sleep("150 millis"), i)
})
const standIn = Flow.make({
  type: "server.create",
  // The version the API gives new tasks: a worker runs no other.
  version: ServerCreate.flow.version,
  params: Schema.Unknown,
  result: Schema.Number,
  program: () =>
    Effect.forEach([0, 1, 2], (i) => Flow.scoped(`s${i}`)(Flow.stage(step, i))).pipe(
      Effect.map((xs) => xs.length)
    )
})
const Flows = Layer.effect(
  TaskFlows,
  Effect.map(
    taskFlow(runnable(standIn), () => Layer.empty),
    (f) => TaskFlowsLayer.fromList([f])
  )
)

const Enamel = HttpLive.pipe(
  Layer.provide([TestEdges, BrokerAmqp.layer]),
  Layer.merge(workerPools(Flows)),
  Layer.provideMerge(OutboxRelay.Default),
  Layer.provideMerge(BrokerAmqp.layer),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
  Layer.provide(
    Layer.setConfigProvider(
      configWith([
        ["ENAMEL_AMQP_NAMESPACE", namespace],
        ["ENAMEL_WORKER_TOPICS", "server.create=4"],
        ["ENAMEL_WORKER_RETRY_DELAY", "500 millis"],
        ["ENAMEL_LEASE_TTL", "5 seconds"],
        ["ENAMEL_OUTBOX_SWEEP", "200 millis"]
      ])
    )
  )
)

const cluster = readdirSync("/etc/postgresql")[0] ?? "15"
const restartPostgres = Effect.sync(() =>
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", cluster, "main", "restart"], {
    stdio: "ignore",
    timeout: 120_000
  })
)

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

describe("PostgreSQL restart", () => {
  layer(Enamel, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped("the API answers 202 or 503, recovers, and every accepted task finishes", () =>
      Effect.gen(function* () {
        const accepted: Array<string> = []
        const statuses: Array<number> = []
        const post = Effect.gen(function* () {
          const started = Date.now()
          const answer = yield* send("POST", "/servers", { token: tokens.alice, body: server })
          expect(Date.now() - started).toBeLessThan(15_000)
          statuses.push(answer.status)
          if (answer.status === 202) accepted.push((answer.body as { task: { id: string } }).task.id)
          if (answer.status === 503) expect(answer.headers.get("retry-after")).not.toBeNull()
        })
        for (let i = 0; i < 5; i++) yield* post
        // Keep posting while PostgreSQL restarts under the API and the worker.
        const load = yield* Effect.fork(Effect.forever(Effect.zipRight(post, Effect.sleep("50 millis"))))
        yield* Effect.sleep("300 millis")
        yield* restartPostgres
        yield* Effect.sleep("1 second")
        yield* Fiber.interrupt(load)
        // Recovered without a restart of the API.
        let last = 0
        for (let i = 0; i < 100 && last !== 202; i++) {
          const answer = yield* send("POST", "/servers", { token: tokens.alice, body: server })
          last = answer.status
          if (answer.status === 202) accepted.push((answer.body as { task: { id: string } }).task.id)
          else yield* Effect.sleep("200 millis")
        }
        expect(last).toBe(202)
        expect(statuses.every((s) => s === 202 || s === 503)).toBe(true)
        // Every task that got a 202 finishes: the worker and the relay reconnected by themselves.
        const sql = yield* SqlClient.SqlClient
        let open = accepted.length
        for (let i = 0; i < 300 && open > 0; i++) {
          yield* Effect.sleep("200 millis")
          const rows = yield* sql<{ n: number }>`
            SELECT count(*)::int AS n FROM tasks WHERE ${sql.in("id", accepted)} AND state <> 'SUCCEEDED'`.pipe(
            Effect.orElseSucceed(() => [{ n: -1 }])
          )
          open = rows[0]?.n ?? -1
        }
        if (open !== 0) {
          const stuck =
            yield* sql`SELECT state, lease_owner IS NOT NULL AS leased, count(*)::int AS n FROM tasks
                                   WHERE ${sql.in("id", accepted)} GROUP BY 1, 2`
          const outbox = yield* sql`SELECT count(*)::int AS n FROM task_outbox`
          console.log("tasks not finished:", JSON.stringify({ stuck, outbox }))
        }
        expect(open).toBe(0)
      })
    )
  })
})
