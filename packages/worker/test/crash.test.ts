/**
 * Worker processes killed for real: SIGKILL in the middle of a flow (another worker finishes the task,
 * nothing runs twice but the stage that was cut off, nothing is created twice), and SIGTERM (the task is
 * handed back at a checkpoint within the grace period).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerAmqp } from "@enamel/broker"
import { removeTopology } from "@enamel/broker/testing"
import { OutboxRelay, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import { afterAll } from "vitest"
import { eventually } from "../../../test/support/poll.js"

const topic = `test.crash${crypto.randomUUID().slice(0, 8)}`
afterAll(() => Effect.runPromise(removeTopology({ namespace: "enamel", topics: [topic], own: false })))

const config = ConfigProvider.fromMap(new Map([["ENAMEL_OUTBOX_SWEEP", "100 millis"]])).pipe(
  ConfigProvider.orElse(() => ConfigProvider.fromEnv())
)

const Stores = Layer.mergeAll(TaskStore.Default, OutboxRelay.Default).pipe(
  Layer.provideMerge(BrokerAmqp.layer),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provide(Layer.setConfigProvider(config))
)

/** Starts a worker process on the test database; killed when the test's scope closes. */
const startWorker = (name: string, grace = "10 seconds") =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const url = yield* TestDatabase.TestDatabaseUrl
      // One process (not the tsx wrapper), so that signals reach the worker itself.
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "packages/worker/test/fixtures/stepsWorker.ts"],
        {
          env: {
            ...process.env,
            ENAMEL_DATABASE_URL: url.toString(),
            ENAMEL_TEST_TOPIC: topic,
            ENAMEL_WORKER_TOPICS: `${topic}=2`,
            ENAMEL_WORKER_ID: name,
            ENAMEL_LEASE_TTL: "2 seconds",
            ENAMEL_WORKER_RETRY_DELAY: "300 millis",
            ENAMEL_WORKER_GRACE: grace
          },
          stdio: ["ignore", "ignore", "inherit"]
        }
      )
      return child
    }),
    (child) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
  )

const exited = (child: ChildProcess) =>
  Effect.async<number | null>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
    child.once("exit", (code) => resume(Effect.succeed(code)))
  })

const submit = (stages: number, sleepMs: number) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const id = crypto.randomUUID()
    yield* store.create({
      id,
      type: topic,
      flowVersion: 1,
      projectId: "p-test",
      userId: "u-test",
      priority: 5,
      params: { stages, sleepMs },
      keyRef: null,
      idempotencyKey: null,
      requestHash: null,
      message: JSON.stringify({ taskId: id, type: topic, resumeFrom: null, restarts: 0 })
    })
    yield* Effect.flatMap(OutboxRelay, (relay) => relay.nudge)
    return id
  })

const succeededStages = (id: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ n: number }>`SELECT count(*)::int AS n FROM task_timeline
                         WHERE task_id = ${id} AND phase = 'run' AND state = 'SUCCEEDED'`,
      (rows) => rows[0]?.n ?? 0
    )
  )

const stateOf = (id: string) =>
  Effect.flatMap(TaskStore, (s) =>
    Effect.map(s.get(id), (t) =>
      Option.getOrElse(
        Option.map(t, (x) => x.state),
        () => ""
      )
    )
  )

describe("worker processes killed mid-flow", () => {
  layer(Stores, { timeout: 180_000, excludeTestServices: true })((it) => {
    it.scoped("SIGKILL: another worker finishes the task; no stage's work is done twice", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE IF NOT EXISTS test_effects (token text PRIMARY KEY, runs int NOT NULL)`
        yield* sql`CREATE TABLE IF NOT EXISTS test_resources (token text PRIMARY KEY)`
        const first = yield* startWorker("worker-a")
        const id = yield* submit(10, 250)
        yield* eventually(succeededStages(id), (n) => n >= 3, {
          what: `3 stages of task ${id}`,
          timeout: "60 seconds"
        })
        first.kill("SIGKILL")
        yield* exited(first)
        const doneBefore = yield* succeededStages(id)
        yield* startWorker("worker-b")
        yield* eventually(stateOf(id), (s) => s === "SUCCEEDED", {
          what: `task ${id} to succeed`,
          timeout: "60 seconds"
        })
        const runs = yield* sql<{ token: string; runs: number }>`
          SELECT token, runs FROM test_effects WHERE token LIKE ${`enamel-${id}-%`} ORDER BY token`
        expect(runs).toHaveLength(10)
        // Stages recorded before the kill never ran again; only the one cut off mid-flight may have.
        expect(runs.filter((r) => r.runs > 1).length).toBeLessThanOrEqual(1)
        expect(runs.every((r) => r.runs <= 2)).toBe(true)
        expect(doneBefore).toBeGreaterThanOrEqual(3)
        const resources = yield* sql<{ n: number }>`
          SELECT count(*)::int AS n FROM test_resources WHERE token LIKE ${`enamel-${id}-%`}`
        expect(resources[0]?.n).toBe(10)
        const task = yield* Effect.flatMap(TaskStore, (s) => s.get(id))
        expect(Option.map(task, (t) => (t.result as ReadonlyArray<string>).length)).toEqual(Option.some(10))
      })
    )

    it.scoped(
      "SIGTERM: the worker hands its task back within the grace period and exits; the next one resumes",
      () =>
        Effect.gen(function* () {
          const first = yield* startWorker("worker-c", "500 millis")
          const id = yield* submit(12, 250)
          yield* eventually(succeededStages(id), (n) => n >= 2, {
            what: `2 stages of task ${id}`,
            timeout: "60 seconds"
          })
          const started = Date.now()
          first.kill("SIGTERM")
          yield* exited(first)
          expect(Date.now() - started).toBeLessThan(5_000)
          expect(yield* stateOf(id)).toBe("PENDING")
          yield* startWorker("worker-d")
          yield* eventually(stateOf(id), (s) => s === "SUCCEEDED", {
            what: `task ${id} to succeed`,
            timeout: "60 seconds"
          })
          const restarts = yield* Effect.flatMap(
            SqlClient.SqlClient,
            (sql) => sql<{ restarts: number }>`SELECT restarts FROM tasks WHERE id = ${id}`
          )
          expect(restarts[0]?.restarts).toBe(1)
        })
    )
  })
})
