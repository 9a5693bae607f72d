/**
 * RabbitMQ restarted for real (stop_app, start_app) while the API accepts tasks: tasks published before
 * the restart survive it (durable queue, persistent messages), tasks accepted during it wait in the outbox
 * and are published when it is back, and the API answered 202 throughout. Runs in the disruptive phase,
 * alone, because it interrupts everyone using the broker.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Topology } from "@enamel/broker"
import { drainQueue, removeTopology } from "@enamel/broker/testing"
import { Effect } from "effect"
import { afterAll } from "vitest"
import { send, tokens } from "../../packages/api/test/harness.js"
import { apiOverAmqp, rabbitmqctl } from "./brokerRestartSupport.js"

const namespace = `restart${crypto.randomUUID().slice(0, 8)}`
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics: ["server.create"], own: true })))

const Api = apiOverAmqp([
  ["ENAMEL_AMQP_NAMESPACE", namespace],
  ["ENAMEL_OUTBOX_SWEEP", "200 millis"]
])

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
