/**
 * RabbitMQ restarted for real (stop_app, start_app) while the API accepts tasks: tasks published before
 * the restart survive it (durable queue, persistent messages), tasks accepted during it wait in the outbox
 * and are published when it is back, and the API answered 202 throughout. Runs in the disruptive phase,
 * alone, because it interrupts everyone using the broker.
 */
import { execFileSync } from "node:child_process"
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerAmqp, Topology } from "@enamel/broker"
import { drainQueue, removeTopology } from "@enamel/broker/testing"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer } from "effect"
import { afterAll } from "vitest"
import { HttpLive } from "../../packages/api/src/ApiServer.js"
import * as TokenValidator from "../../packages/api/src/auth/TokenValidator.js"
import * as UserKeys from "../../packages/api/src/keys/UserKeys.js"
import { callers, send, tokens } from "../../packages/api/test/harness.js"
import { configWith } from "../e2e/enamel.js"

const namespace = `restart${crypto.randomUUID().slice(0, 8)}`
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics: ["server.create"], own: true })))

const Api = HttpLive.pipe(
  Layer.provide([TokenValidator.layerStatic(callers), UserKeys.layerStatic, BrokerAmqp.layer]),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
  Layer.provide(
    Layer.setConfigProvider(
      configWith([
        ["ENAMEL_AMQP_NAMESPACE", namespace],
        ["ENAMEL_OUTBOX_SWEEP", "200 millis"]
      ])
    )
  )
)

const rabbitmqctl = (...args: ReadonlyArray<string>) =>
  Effect.sync(() => execFileSync("rabbitmqctl", ["-q", ...args], { stdio: "ignore", timeout: 120_000 }))

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

const accept = Effect.gen(function* () {
  const answer = yield* send("POST", "/servers", { token: tokens.alice, body: server })
  expect(answer.status).toBe(202)
  return (answer.body as { task: { id: string } }).task.id
})

const backlog = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(sql<{ n: number }>`SELECT count(*)::int AS n FROM task_outbox`, (rows) => rows[0]?.n ?? -1)
)

const drained = (what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 600; i++) {
      if ((yield* backlog) === 0) return
      yield* Effect.sleep("100 millis")
    }
    return yield* Effect.dieMessage(`the outbox did not drain (${what})`)
  })

describe("RabbitMQ restart", () => {
  layer(Api, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped("no accepted task is lost across a broker restart", () =>
      Effect.gen(function* () {
        const before = yield* Effect.forEach([1, 2, 3], () => accept)
        yield* drained("before the restart")
        yield* Effect.addFinalizer(() => Effect.ignore(rabbitmqctl("start_app")))
        yield* rabbitmqctl("stop_app")
        const during = yield* Effect.forEach([1, 2, 3], () => accept)
        expect(yield* backlog).toBe(3)
        yield* rabbitmqctl("start_app")
        yield* drained("after the restart")
        const queued = (yield* drainQueue(Topology.make(namespace).queueFor("server.create"), true)).map(
          (m) => m.messageId
        )
        for (const id of [...before, ...during]) expect(queued).toContain(id)
      })
    )
  })
})
