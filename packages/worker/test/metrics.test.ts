/**
 * `GET /metrics` on the worker's admin port, over PostgreSQL and RabbitMQ: tasks finished by type and
 * state with their durations, stage durations, the pools read at scrape time, dead letters and takeovers.
 */
import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, layer } from "@effect/vitest"
import { Broker, BrokerAmqp, Topology } from "@enamel/broker"
import { drainQueue, removeTopology } from "@enamel/broker/testing"
import { runnable } from "@enamel/domain"
import { OutboxRelay, TaskLeases, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Duration, Effect, Layer, Option } from "effect"
import { afterAll } from "vitest"
import { eventually } from "../../../test/support/poll.js"
import { newTask } from "../../persistence/test/support/newTask.js"
import * as AdminServer from "../src/admin/AdminServer.js"
import * as TaskFlowsLayer from "../src/TaskFlows.js"
import { TaskFlows, taskFlow } from "../src/TaskFlows.js"
import { workerPools } from "../src/WorkerProcess.js"
import { stepsFlow } from "./testFlows.js"

const topic = `test.m${crypto.randomUUID().slice(0, 8)}`

const Worker = AdminServer.layer.pipe(
  Layer.provideMerge(
    workerPools(
      Layer.effect(
        TaskFlows,
        Effect.map(
          taskFlow(runnable(stepsFlow(topic)), () => Layer.empty),
          (f) => TaskFlowsLayer.fromList([f])
        )
      )
    )
  ),
  Layer.provideMerge(OutboxRelay.Default),
  Layer.provideMerge(BrokerAmqp.layer),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
  Layer.provide(
    Layer.setConfigProvider(
      ConfigProvider.fromMap(
        new Map([
          ["ENAMEL_WORKER_TOPICS", `${topic}=3`],
          ["ENAMEL_WORKER_RETRY_DELAY", "200 millis"],
          ["ENAMEL_OUTBOX_SWEEP", "100 millis"]
        ])
      ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
    )
  )
)

afterAll(() => Effect.runPromise(removeTopology({ namespace: "enamel", topics: [topic], own: false })))

/** GET /metrics on the admin port: the status, the Content-Type and the text. */
const scrape = Effect.gen(function* () {
  const address = (yield* HttpServer.HttpServer).address
  const port = address._tag === "TcpAddress" ? address.port : 0
  const answer = yield* Effect.promise(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) })
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text()
    }
  })
  expect(answer.status).toBe(200)
  expect(answer.type).toBe("text/plain; version=0.0.4; charset=utf-8")
  return answer.text
})

/** The value of one sample line (`name{labels} value`), 0 when the line is not there yet. */
const sampleOf = (text: string, series: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

const submit = (params: { stages: number; sleepMs: number }) =>
  Effect.gen(function* () {
    const id = crypto.randomUUID()
    yield* Effect.flatMap(TaskStore, (store) =>
      store.create(newTask({ id, type: topic, projectId: "p-test", userId: "u-test", params }))
    )
    yield* Effect.flatMap(OutboxRelay, (relay) => relay.nudge)
    return id
  })

const ended = (id: string) =>
  eventually(
    Effect.flatMap(TaskStore, (store) => store.get(id)),
    Option.exists((t) => t.state === "SUCCEEDED" || t.state === "FAILED"),
    { what: `task ${id} to end` }
  )

describe("worker metrics on PostgreSQL and RabbitMQ", () => {
  layer(Worker, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("after tasks run: finished by type and state, durations, stages, and the pool read now", () =>
      Effect.gen(function* () {
        // Counters of rare events exist at 0 from the start (a topic's once its pool subscribed), so that
        // `increase()` sees their first event.
        const before = yield* eventually(
          scrape,
          (text) => text.includes(`enamel_deliveries_dead_lettered_total{topic="${topic}"} 0\n`),
          { what: `the dead-letter series of ${topic} at 0` }
        )
        expect(before).toMatch(/^enamel_task_takeovers_total \d+$/m)
        expect(before).toMatch(/^enamel_worker_tasks_handed_on_total \d+$/m)
        const finished = `enamel_tasks_finished_total{state="SUCCEEDED",type="${topic}"}`
        const durations = `enamel_task_duration_seconds_count{state="SUCCEEDED",type="${topic}"}`
        const stage = `enamel_stage_duration_seconds_count{outcome="succeeded",phase="run",stage="s1/step"}`
        const ids = yield* Effect.forEach([1, 2], () => submit({ stages: 2, sleepMs: 30 }))
        for (const id of ids) yield* ended(id)

        const after = yield* scrape
        expect(sampleOf(after, finished) - sampleOf(before, finished)).toBe(2)
        expect(sampleOf(after, durations) - sampleOf(before, durations)).toBe(2)
        expect(sampleOf(after, stage) - sampleOf(before, stage)).toBe(2)
        // Each of those took at least its 30 ms sleep.
        expect(sampleOf(after, stage.replace("_count", "_sum"))).toBeGreaterThanOrEqual(0.06)
        expect(sampleOf(after, `enamel_worker_concurrency{topic="${topic}"}`)).toBe(3)
        expect(after).toMatch(
          new RegExp(`^enamel_worker_tasks_running\\{topic="${topic.replace(".", "\\.")}"\\} 0$`, "m")
        )
        expect(after).toContain("# TYPE enamel_task_duration_seconds histogram")
        expect(after).toContain(
          `enamel_task_duration_seconds_bucket{state="SUCCEEDED",type="${topic}",le="+Inf"}`
        )
        // No task id in any label.
        for (const id of ids) expect(after).not.toContain(id)
      })
    )

    it.effect("an undecodable message counts as dead-lettered on its topic", () =>
      Effect.gen(function* () {
        const series = `enamel_deliveries_dead_lettered_total{topic="${topic}"}`
        const before = sampleOf(yield* scrape, series)
        const messageId = crypto.randomUUID()
        yield* Effect.flatMap(Broker, (broker) =>
          broker.publish([{ routingKey: topic, messageId, priority: 0, body: "not a task" }])
        )
        yield* eventually(
          drainQueue(Topology.deadLetterQueue),
          (dead) => dead.some((m) => m.messageId === messageId),
          {
            what: `message ${messageId} in the dead-letter queue`
          }
        )
        expect(sampleOf(yield* scrape, series) - before).toBe(1)
      })
    )

    it.effect("a claim of a task whose lease expired under another worker counts as a takeover", () =>
      Effect.gen(function* () {
        const series = "enamel_task_takeovers_total"
        const leases = yield* TaskLeases
        // A task no worker consumes (another type): only this test claims it.
        const id = crypto.randomUUID()
        yield* Effect.flatMap(TaskStore, (store) =>
          store.create({
            id,
            type: `${topic}.unconsumed`,
            flowVersion: 1,
            projectId: "p-test",
            userId: "u-test",
            priority: 5,
            params: {},
            keyRef: null,
            idempotencyKey: null,
            requestHash: null,
            message: "{}"
          })
        )
        const before = sampleOf(yield* scrape, series)
        yield* leases.claim(id, "worker-a", Duration.millis(1))
        // worker-a claims again (its own lease): no takeover.
        yield* Effect.sleep("20 millis")
        yield* leases.claim(id, "worker-a", Duration.millis(1))
        expect(sampleOf(yield* scrape, series) - before).toBe(0)
        yield* Effect.sleep("20 millis")
        const taken = yield* leases.claim(id, "worker-b", Duration.seconds(30))
        expect(Option.isSome(taken)).toBe(true)
        expect(sampleOf(yield* scrape, series) - before).toBe(1)
      })
    )
  })
})
