/**
 * The API when PostgreSQL or RabbitMQ stops answering: 503 with Retry-After (never a 500 or a hang),
 * recovery without a restart, and no accepted task lost. Each server is reached through a proxy that the
 * test cuts, so the outage touches only this test.
 */
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerAmqp, Topology } from "@enamel/broker"
import { drainQueue } from "@enamel/broker/testing"
import { ErrorCode } from "@enamel/domain"
import { Database } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { eventually } from "../../../test/support/poll.js"
import { tcpProxy } from "../../../test/support/tcpProxy.js"
import { HttpLive } from "../src/ApiServer.js"
import * as UserKeys from "../src/keys/UserKeys.js"
import { send, TestAuth, TestCloud, tokens } from "./harness.js"

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

const errorCode = (body: unknown) => (body as { errors: Array<{ code: string }> }).errors[0]?.code

/** The API with its database and broker behind proxies the test controls; built inside the test's scope. */
const apiBehindProxies = Effect.gen(function* () {
  const databaseUrl = yield* TestDatabase.TestDatabaseUrl
  const pg = yield* tcpProxy(Number(databaseUrl.port || "5432"))
  const amqp = yield* tcpProxy(5672)
  const proxied = new URL(databaseUrl)
  proxied.port = String(pg.port)
  const config = ConfigProvider.fromMap(
    new Map([
      ["ENAMEL_AMQP_URL", `amqp://guest:guest@127.0.0.1:${amqp.port}`],
      ["ENAMEL_OUTBOX_SWEEP", "100 millis"]
    ])
  )
  const api = HttpLive.pipe(
    Layer.provide([UserKeys.layerStatic, BrokerAmqp.layer]),
    Layer.provide(Layer.provideMerge(TestAuth, TestCloud)),
    Layer.provide(Database.layerClient(Redacted.make(proxied.toString()))),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    Layer.provide(Layer.setConfigProvider(config))
  )
  const context = yield* Layer.build(api)
  return { pg, amqp, context }
})

/** How many of these tasks are still waiting in the outbox. */
const backlog = (taskIds: ReadonlyArray<string>) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM task_outbox WHERE ${sql.in("task_id", taskIds)}`
  ).pipe(Effect.map((rows) => rows[0]?.n ?? -1))

describe("API outages", () => {
  layer(TestDatabase.layer, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped("PostgreSQL down: 503 with Retry-After, then recovers by itself", () =>
      Effect.gen(function* () {
        const { pg, context } = yield* apiBehindProxies
        const post = send("POST", "/servers", { token: tokens.alice, body: server }).pipe(
          Effect.provide(context)
        )
        expect((yield* post).status).toBe(202)
        yield* pg.cut
        const started = Date.now()
        const down = yield* post
        expect(down.status).toBe(503)
        expect(down.headers.get("retry-after")).toBe("5")
        expect(errorCode(down.body)).toBe(ErrorCode.serviceUnavailable)
        expect(Date.now() - started).toBeLessThan(10_000)
        const list = yield* send("GET", "/tasks", { token: tokens.alice }).pipe(Effect.provide(context))
        expect(list.status).toBe(503)
        yield* pg.restore
        yield* eventually(post, (again) => again.status === 202, {
          what: "a task to be accepted again",
          timeout: "10 seconds",
          every: "100 millis"
        })
      })
    )

    it.scoped(
      "RabbitMQ down: tasks are still accepted, kept in the outbox, and published once it is back",
      () =>
        Effect.gen(function* () {
          const { amqp, context } = yield* apiBehindProxies
          yield* amqp.cut
          const accepted: Array<string> = []
          for (let i = 0; i < 3; i++) {
            const answer = yield* send("POST", "/servers", { token: tokens.alice, body: server }).pipe(
              Effect.provide(context)
            )
            expect(answer.status).toBe(202)
            accepted.push((answer.body as { task: { id: string } }).task.id)
          }
          // The outage lasts a while, the relay trying meanwhile: the tasks stay in the outbox.
          yield* Effect.sleep("500 millis")
          expect(yield* backlog(accepted)).toBe(3)
          yield* amqp.restore
          yield* eventually(backlog(accepted), (left) => left === 0, {
            what: "the outbox to be published once RabbitMQ is back",
            timeout: "20 seconds",
            every: "100 millis"
          })
          const delivered = (yield* drainQueue(Topology.queueFor("server.create"))).map((m) => m.messageId)
          for (const id of accepted) expect(delivered).toContain(id)
        })
    )
  })
})
