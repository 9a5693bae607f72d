/**
 * RabbitMQ restarted for real (stop_app, start_app) while two real worker processes run tasks and the API
 * accepts more. RabbitMQ being down is absorbed by the outbox: the API answers 202 throughout (a 503 with
 * Retry-After would be allowed; a 500 or a hang would not). The workers are not restarted: their consumers
 * subscribe again by themselves and run the tasks accepted during and after the outage. Every accepted
 * task succeeds and every stage ran exactly once. Runs in the disruptive phase, alone.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { queueDepth, removeTopology } from "@enamel/broker/testing"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Fiber, Logger, LogLevel } from "effect"
import { afterAll } from "vitest"
import { send, tokens } from "../../packages/api/test/harness.js"
import { apiOverAmqp, rabbitmqctl } from "./brokerRestartSupport.js"

const namespace = `restartw${crypto.randomUUID().slice(0, 8)}`
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics: ["server.create"], own: true })))

const stages = 8
const stageMs = 500
const perWorker = 3

/** What the API logged at level ERROR or above (a defect in a handler or the relay shows here). */
const apiErrors: Array<string> = []
const ApiErrorLog = Logger.add(
  Logger.make(({ logLevel, message }) => {
    if (LogLevel.greaterThanEqual(logLevel, LogLevel.Error))
      apiErrors.push(`${logLevel.label} ${String(message)}`)
  })
)

const Api = apiOverAmqp(
  [
    ["ENAMEL_AMQP_NAMESPACE", namespace],
    ["ENAMEL_OUTBOX_SWEEP", "200 millis"],
    ["ENAMEL_ACCESS_LOG", "false"]
  ],
  ApiErrorLog
)

interface Worker {
  readonly name: string
  readonly child: ChildProcess
  readonly log: Array<string>
}

/** A worker process running the stand-in flow; its output is kept; killed when the scope closes. */
const startWorker = (name: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const url = yield* TestDatabase.TestDatabaseUrl
      // One process (not the tsx wrapper), so that the kill reaches the worker itself.
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "test/disruptive/fixtures/standInWorker.ts"],
        {
          env: {
            ...process.env,
            ENAMEL_DATABASE_URL: url.toString(),
            ENAMEL_AMQP_NAMESPACE: namespace,
            ENAMEL_WORKER_TOPICS: `server.create=${perWorker}`,
            ENAMEL_WORKER_ID: name,
            ENAMEL_LEASE_TTL: "5 seconds",
            ENAMEL_WORKER_RETRY_DELAY: "500 millis",
            ENAMEL_OUTBOX_SWEEP: "200 millis",
            ENAMEL_TEST_STAGES: String(stages),
            ENAMEL_TEST_STAGE_MS: String(stageMs)
          },
          stdio: ["ignore", "pipe", "pipe"]
        }
      )
      const log: Array<string> = []
      child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()))
      child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()))
      return { name, child, log } satisfies Worker
    }),
    (w) => Effect.sync(() => w.child.exitCode === null && w.child.kill("SIGKILL"))
  )

const alive = (w: Worker) => w.child.exitCode === null && w.child.signalCode === null

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

const waitFor = (
  check: Effect.Effect<boolean, unknown, SqlClient.SqlClient>,
  what: string,
  seconds: number
) =>
  Effect.gen(function* () {
    for (let i = 0; i < seconds * 5; i++) {
      if (yield* check) return
      yield* Effect.sleep("200 millis")
    }
    return yield* Effect.dieMessage(`timed out after ${seconds} s waiting for ${what}`)
  })

const count = (query: (sql: SqlClient.SqlClient) => Effect.Effect<ReadonlyArray<{ n: number }>, unknown>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.map(query(sql), (rows) => rows[0]?.n ?? -1))

describe("RabbitMQ restart with workers running", () => {
  layer(Api, { timeout: 180_000, excludeTestServices: true })((it) => {
    it.scoped("running tasks finish, the same workers resubscribe, every accepted task succeeds once", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE test_effects (token text PRIMARY KEY, runs int NOT NULL, worker text NOT NULL)`
        const workers = [yield* startWorker("worker-a"), yield* startWorker("worker-b")]

        const statuses: Array<{ status: number; retryAfter: string | null; ms: number }> = []
        const post = (into: Array<string>) =>
          Effect.gen(function* () {
            const started = Date.now()
            const answer = yield* send("POST", "/servers", {
              token: tokens.alice,
              body: server,
              timeoutMs: 10_000
            }).pipe(
              // A request that does not answer within 10 s is a hang: recorded as status 0.
              Effect.catchAllDefect(() => Effect.succeed({ status: 0, headers: new Headers(), body: null }))
            )
            statuses.push({
              status: answer.status,
              retryAfter: answer.headers.get("retry-after"),
              ms: Date.now() - started
            })
            if (answer.status === 202) into.push((answer.body as { task: { id: string } }).task.id)
          })

        // Before: one task per slot, all running (both consumers are up) when RabbitMQ stops.
        const before: Array<string> = []
        for (let i = 0; i < perWorker * workers.length; i++) yield* post(before)
        yield* waitFor(
          Effect.map(
            count(
              (s) => s<{ n: number }>`SELECT count(*)::int AS n FROM tasks
                                          WHERE ${s.in("id", before)} AND state = 'RUNNING'`
            ),
            (n) => n === before.length
          ),
          "the first tasks to run",
          30
        )

        // During: RabbitMQ goes down (held down a few seconds) while tasks run and the API accepts more.
        const during: Array<string> = []
        yield* Effect.addFinalizer(() => Effect.ignore(rabbitmqctl("start_app")))
        const stopAt = Date.now()
        // Stopped by a flag, not interrupted: an interrupted POST may have made its task (202) without
        // the test recording it, and that task's stages would then count as extra runs.
        let loading = true
        const load = yield* Effect.fork(
          Effect.whileLoop({
            while: () => loading,
            body: () => Effect.zipRight(post(during), Effect.sleep("500 millis")),
            step: () => undefined
          })
        )
        yield* rabbitmqctl("stop_app")
        const stopped = Date.now()
        yield* Effect.sleep("5 seconds")
        const outboxInOutage = yield* count(
          (s) => s<{ n: number }>`SELECT count(*)::int AS n FROM task_outbox`
        )
        yield* rabbitmqctl("start_app")
        const startedAt = Date.now()
        loading = false
        yield* Fiber.join(load)
        const statusesDuringOutage = statuses.length - before.length

        // After: more tasks, for the same (not restarted) worker processes.
        const after: Array<string> = []
        for (let i = 0; i < perWorker * workers.length; i++) yield* post(after)

        const accepted = [...before, ...during, ...after]
        yield* waitFor(
          Effect.map(
            count(
              (s) => s<{ n: number }>`SELECT count(*)::int AS n FROM tasks
                                          WHERE ${s.in("id", accepted)} AND state <> 'SUCCEEDED'`
            ),
            (n) => n === 0
          ),
          "every accepted task to succeed",
          60
        )
        const doneAt = Date.now()
        // A delivery in hand when the broker went down could not be acked: it comes back, is seen to be
        // finished, and acked. Nothing stays in the queue.
        yield* waitFor(
          Effect.map(queueDepth("server.create"), (n) => n === 0),
          "the queue to empty",
          20
        )

        const effects = yield* sql<{
          token: string
          runs: number
          worker: string
        }>`SELECT * FROM test_effects`
        const succeeded = yield* sql<{ taskId: string; path: string; n: number }>`
          SELECT task_id AS "taskId", path, count(*)::int AS n FROM task_timeline
          WHERE phase = 'run' AND state = 'SUCCEEDED' AND ${sql.in("task_id", accepted)} GROUP BY 1, 2`
        const inOutage = yield* count(
          (s) => s<{ n: number }>`
          SELECT count(*)::int AS n FROM task_timeline
          WHERE ${s.in("task_id", before)} AND phase = 'run'
            AND started_at > to_timestamp(${stopped / 1000}) AND started_at < to_timestamp(${startedAt / 1000})`
        )
        // Tokens are enamel-<task id>-<stage path>: which worker processes ran the tasks published after
        // the restart.
        const published = new Set([...during, ...after].map((id) => `enamel-${id}-`))
        const ranAfterRestart = new Set(
          effects.filter((e) => published.has(e.token.slice(0, 44))).map((e) => e.worker)
        )
        const firstRun = yield* sql<{ ms: number }>`
          SELECT extract(epoch FROM min(started_at)) * 1000 AS ms FROM task_timeline
          WHERE ${sql.in("task_id", [...during, ...after])} AND phase = 'run'`
        const recoveryMs = Number(firstRun[0]?.ms ?? Number.NaN) - startedAt
        console.log(
          "broker restart with workers:",
          JSON.stringify({
            tasks: { before: before.length, during: during.length, after: after.length },
            requestsDuringOutage: statusesDuringOutage,
            statuses: Object.fromEntries(
              [...new Set(statuses.map((s) => s.status))].map((c) => [
                c,
                statuses.filter((s) => s.status === c).length
              ])
            ),
            slowestAnswerMs: Math.max(...statuses.map((s) => s.ms)),
            stopAppMs: stopped - stopAt,
            brokerDownMs: startedAt - stopped,
            outageMs: startedAt - stopAt,
            outboxInOutage,
            stagesStartedInOutage: inOutage,
            firstStageAfterRestartMs: Math.round(recoveryMs),
            allSucceededAfterRestartMs: doneAt - startedAt,
            ranAfterRestart: [...ranAfterRestart],
            resubscribeAttempts: workers.map(
              (w) => w.log.join("").split("consumer stopped; subscribing again").length - 1
            )
          })
        )

        // Every status was 202 (or 503 with Retry-After), each answered well within the bound.
        for (const s of statuses) {
          expect([202, 503]).toContain(s.status)
          if (s.status === 503) expect(s.retryAfter).not.toBeNull()
          expect(s.ms).toBeLessThan(10_000)
        }
        expect(during.length).toBeGreaterThan(0)
        expect(outboxInOutage).toBeGreaterThan(0)
        // Each stage ran, and succeeded, exactly once per task.
        expect(effects).toHaveLength(accepted.length * stages)
        expect(effects.filter((e) => e.runs !== 1)).toEqual([])
        expect(succeeded).toHaveLength(accepted.length * stages)
        expect(succeeded.filter((r) => r.n !== 1)).toEqual([])
        // Tasks ran while RabbitMQ was down: stages of the first tasks started during the outage.
        expect(inOutage).toBeGreaterThan(0)
        // Both original processes ran tasks published after the restart: their consumers came back.
        expect([...ranAfterRestart].sort()).toEqual(["worker-a", "worker-b"])

        // Alive, not restarted, and nothing but warnings in the logs: no defect, no crash.
        for (const w of workers) {
          expect(alive(w), `${w.name} is alive`).toBe(true)
          const log = w.log.join("")
          expect(log, `${w.name} saw the outage and subscribed again`).toMatch(
            /consumer stopped; subscribing again/
          )
          expect(log, `${w.name} logged an error`).not.toMatch(
            /level=(ERROR|FATAL)|Uncaught|Unhandled|failed unexpectedly/
          )
        }
        expect(apiErrors).toEqual([])
      })
    )
  })
})
