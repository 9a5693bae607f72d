/**
 * The worker's admin port over real PostgreSQL and RabbitMQ, each reached through a proxy the test cuts:
 * GET /healthcheck is 200 `OK` while both answer, 503 naming the one that stopped (and 200 again once it
 * is back), 503 `DISABLED BY FILE` while the disable file exists, never revealing configuration. And
 * ENAMEL_LOG_FORMAT=json: what a task logs is one JSON object a line with its task id and trace id, and
 * an OpenStack call's line its request id.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerAmqp } from "@enamel/broker"
import { Flow, Logging, runnable, Stage } from "@enamel/domain"
import { RequestLog } from "@enamel/openstack-clients"
import { Database, OutboxRelay, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Effect, Layer, Logger, Option, Redacted, Schema } from "effect"
import { eventually } from "../../../test/support/poll.js"
import { tcpProxy } from "../../../test/support/tcpProxy.js"
import { newTask } from "../../persistence/test/support/newTask.js"
import * as AdminServer from "../src/admin/AdminServer.js"
import * as TaskFlowsLayer from "../src/TaskFlows.js"
import { TaskFlows, taskFlow } from "../src/TaskFlows.js"
import { workerPools } from "../src/WorkerProcess.js"

const topic = `test.h${crypto.randomUUID().slice(0, 8)}`
const dir = mkdtempSync(join(tmpdir(), "enamel-health-"))
const disableFile = join(dir, "drain")

/** A stage that logs, and reports an OpenStack call as the clients do. */
const speak = Stage.make({
  name: "speak",
  result: Schema.String,
  run: (_: null, ctx) =>
    Effect.gen(function* () {
      yield* Effect.logInfo("stage says hello")
      yield* RequestLog.recordRequest({
        service: "nova",
        method: "GET",
        url: "http://nova.example/v2.1/servers/x?secret=no",
        status: 200,
        requestId: "req-11111111-2222-3333-4444-555555555555",
        durationMs: 3
      })
      return ctx.path
    })
})

const speakingFlow = Flow.make({
  type: topic,
  params: Schema.Struct({}),
  result: Schema.String,
  program: () =>
    Effect.gen(function* () {
      return yield* Flow.stage(speak, null)
    })
})

/** Everything printed through console.log while the layer lives (the JSON logger prints there). */
const printed: Array<string> = []
const captureConsole = Layer.scopedDiscard(
  Effect.acquireRelease(
    Effect.sync(() => {
      const original = console.log
      console.log = (...args: ReadonlyArray<unknown>) => {
        printed.push(args.map(String).join(" "))
      }
      return original
    }),
    (original) => Effect.sync(() => (console.log = original))
  )
)

/** The worker process's parts (pools, admin endpoint) with PostgreSQL and RabbitMQ behind proxies. */
const Worker = Layer.unwrapScoped(
  Effect.gen(function* () {
    const databaseUrl = yield* TestDatabase.TestDatabaseUrl
    const pg = yield* tcpProxy(Number(databaseUrl.port || "5432"))
    const amqp = yield* tcpProxy(5672)
    const proxied = new URL(databaseUrl)
    proxied.port = String(pg.port)
    const config = ConfigProvider.fromMap(
      new Map([
        ["ENAMEL_WORKER_TOPICS", `${topic}=2`],
        ["ENAMEL_AMQP_URL", `amqp://guest:guest@127.0.0.1:${amqp.port}`],
        ["ENAMEL_OUTBOX_SWEEP", "100 millis"],
        ["ENAMEL_HEALTHCHECK_DISABLE_FILE", disableFile],
        ["ENAMEL_LOG_FORMAT", "json"],
        ["ENAMEL_LOG_LEVEL", "debug"]
      ])
    ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
    const flows = Layer.effect(
      TaskFlows,
      Effect.map(
        taskFlow(runnable(speakingFlow), () => Layer.empty),
        (f) => TaskFlowsLayer.fromList([f])
      )
    )
    return AdminServer.layer.pipe(
      Layer.provideMerge(workerPools(flows)),
      Layer.provideMerge(OutboxRelay.Default),
      Layer.provideMerge(BrokerAmqp.layer),
      Layer.provideMerge(Database.layerClient(Redacted.make(proxied.toString()))),
      Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
      Layer.provideMerge(Layer.succeed(Proxies, { pg, amqp, databasePort: pg.port, amqpPort: amqp.port })),
      // As the worker's main does: the one logging layer, here with @effect/vitest's removed logger back.
      Layer.provide(Logging.layer),
      Layer.provide(Logger.add(Logger.defaultLogger)),
      Layer.provide(captureConsole),
      Layer.provide(Layer.setConfigProvider(config))
    )
  })
).pipe(Layer.provideMerge(TestDatabase.layer))

class Proxies extends Effect.Tag("test/Proxies")<
  Proxies,
  {
    readonly pg: Effect.Effect.Success<ReturnType<typeof tcpProxy>>
    readonly amqp: Effect.Effect.Success<ReturnType<typeof tcpProxy>>
    readonly databasePort: number
    readonly amqpPort: number
  }
>() {}

interface Answer {
  readonly status: number
  readonly body: string
}

const get = (path: string) =>
  Effect.gen(function* () {
    const address = (yield* HttpServer.HttpServer).address
    const port = address._tag === "TcpAddress" ? address.port : 0
    return yield* Effect.promise(async (): Promise<Answer> => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(15_000) })
      return { status: response.status, body: await response.text() }
    })
  })

const healthy = eventually(get("/healthcheck"), (a) => a.status === 200, {
  what: "the health check to answer 200",
  timeout: "20 seconds",
  every: "200 millis"
})

/** Nothing an answer says names where the services are or how to log in to them. */
const revealsNothing = (answer: Answer, ports: ReadonlyArray<number>) => {
  for (const secret of ["guest", "postgres", "amqp://", "127.0.0.1", ...ports.map(String)])
    expect(answer.body).not.toContain(secret)
}

describe("worker GET /healthcheck over PostgreSQL and RabbitMQ", () => {
  layer(Worker, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect(
      "200 OK, ?details with both checks; 503 naming RabbitMQ, then PostgreSQL, while each is cut",
      () =>
        Effect.gen(function* () {
          const { pg, amqp, databasePort, amqpPort } = yield* Proxies
          const ok = yield* healthy
          expect(ok.body).toBe("OK")
          const details = yield* get("/healthcheck?details")
          expect(JSON.parse(details.body)).toEqual({
            status: "OK",
            checks: [
              { name: "database", ok: true, latency_ms: expect.any(Number) },
              { name: "rabbitmq", ok: true, latency_ms: expect.any(Number) }
            ]
          })

          yield* amqp.cut
          const noBroker = yield* eventually(get("/healthcheck"), (a) => a.status === 503, {
            what: "503 once RabbitMQ is gone",
            timeout: "10 seconds",
            every: "100 millis"
          })
          expect(noBroker.body).toBe(`rabbitmq: not connected for ${topic}`)
          revealsNothing(noBroker, [databasePort, amqpPort])
          yield* amqp.restore
          yield* healthy

          yield* pg.cut
          const started = Date.now()
          const noDatabase = yield* get("/healthcheck")
          expect(Date.now() - started).toBeLessThan(5_000)
          expect(noDatabase.status).toBe(503)
          expect(noDatabase.body).toMatch(
            /^database: PostgreSQL (refused the query or is unreachable|did not answer)/
          )
          const noDatabaseDetails = yield* get("/healthcheck?details")
          expect(JSON.parse(noDatabaseDetails.body)).toMatchObject({
            status: "FAILED",
            checks: [
              { name: "database", ok: false },
              { name: "rabbitmq", ok: true }
            ]
          })
          revealsNothing(noDatabaseDetails, [databasePort, amqpPort])
          yield* pg.restore
          yield* healthy
        })
    )

    it.effect("503 DISABLED BY FILE while the disable file exists", () =>
      Effect.gen(function* () {
        yield* healthy
        writeFileSync(disableFile, "")
        const disabled = yield* get("/healthcheck")
        rmSync(disableFile)
        expect(disabled).toEqual({ status: 503, body: "DISABLED BY FILE" })
        expect((yield* get("/healthcheck")).status).toBe(200)
      })
    )

    it.effect(
      "ENAMEL_LOG_FORMAT=json: a task's lines carry its task id and trace id; a call's its request id",
      () =>
        Effect.gen(function* () {
          yield* healthy
          const id = crypto.randomUUID()
          yield* Effect.flatMap(TaskStore, (store) =>
            store.create(newTask({ id, type: topic, projectId: "p-test", userId: "u-test" }))
          )
          yield* Effect.flatMap(OutboxRelay, (relay) => relay.nudge)
          yield* eventually(
            Effect.flatMap(TaskStore, (store) => store.get(id)),
            Option.exists((t) => t.state === "SUCCEEDED"),
            { what: `task ${id} to succeed` }
          )
          const lines = printed.map((line): Record<string, unknown> => {
            const parsed: unknown = JSON.parse(line)
            if (typeof parsed !== "object" || parsed === null) throw new Error(`not a JSON object: ${line}`)
            return Object.fromEntries(Object.entries(parsed))
          })
          const said = lines.find((l) => l.message === "stage says hello")
          expect(said).toMatchObject({
            level: "INFO",
            task_id: id,
            trace_id: expect.stringMatching(/^[0-9a-f]{32}$/)
          })
          expect(new Date(String(said?.time)).getTime()).toBeGreaterThan(Date.now() - 60_000)
          const call = lines.find(
            (l) => l.openstack_request_id === "req-11111111-2222-3333-4444-555555555555"
          )
          expect(call).toMatchObject({
            level: "DEBUG",
            message: "nova GET http://nova.example/v2.1/servers/x → 200",
            task_id: id,
            openstack_service: "nova",
            trace_id: said?.trace_id
          })
        })
    )
  })
})
