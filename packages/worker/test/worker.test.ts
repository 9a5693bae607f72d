import { createServer } from "node:http"
import { FetchHttpClient, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Broker, BrokerAmqp, Topology } from "@enamel/broker"
import { drainQueue, queueDepth, removeTopology } from "@enamel/broker/testing"
import { runnable } from "@enamel/domain"
import { CheckpointsPg, OutboxRelay, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Effect, Layer, Metric, Option } from "effect"
import { afterAll } from "vitest"
import { eventually } from "../../../test/support/poll.js"
import { AdminRpcs } from "../src/admin/AdminRpcs.js"
import * as AdminServer from "../src/admin/AdminServer.js"
import { handedOn } from "../src/TaskExecutor.js"
import * as TaskFlowsLayer from "../src/TaskFlows.js"
import { TaskFlows, taskFlow } from "../src/TaskFlows.js"
import { WorkerPools } from "../src/WorkerPools.js"
import { workerPools } from "../src/WorkerProcess.js"
import { executions, stepsFlow } from "./testFlows.js"

/** A worker (pools, admin endpoint, relay) on a throw-away database, consuming its own topic. */
const workerFor = (topic: string, extra: ReadonlyArray<readonly [string, string]> = []) => {
  const config = ConfigProvider.fromMap(
    new Map<string, string>([
      ["ENAMEL_WORKER_TOPICS", `${topic}=3`],
      ["ENAMEL_LEASE_TTL", "5 seconds"],
      ["ENAMEL_WORKER_RETRY_DELAY", "200 millis"],
      ["ENAMEL_OUTBOX_SWEEP", "100 millis"],
      ...extra
    ])
  ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
  const flows = Layer.effect(
    TaskFlows,
    Effect.map(
      taskFlow(runnable(stepsFlow(topic)), () => Layer.empty),
      (f) => TaskFlowsLayer.fromList([f])
    )
  )
  return AdminServer.layer.pipe(
    Layer.provideMerge(workerPools(flows)),
    Layer.provideMerge(OutboxRelay.Default),
    Layer.provideMerge(BrokerAmqp.layer),
    Layer.provideMerge(TestDatabase.layer),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    Layer.provide(Layer.setConfigProvider(config))
  )
}

const topic = `test.w${crypto.randomUUID().slice(0, 8)}`
const Worker = workerFor(topic)

const submit = (params: { stages: number; sleepMs: number; waitForever?: boolean }, type = topic) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const id = crypto.randomUUID()
    yield* store.create({
      id,
      type,
      flowVersion: 1,
      projectId: "p-test",
      userId: "u-test",
      priority: 5,
      params,
      keyRef: null,
      idempotencyKey: null,
      requestHash: null,
      message: JSON.stringify({ taskId: id, type, resumeFrom: null, restarts: 0 })
    })
    yield* Effect.flatMap(OutboxRelay, (relay) => relay.nudge)
    return id
  })

const stateOf = (id: string) =>
  Effect.flatMap(TaskStore, (store) =>
    Effect.map(
      store.get(id),
      Option.map((t) => t.state)
    )
  )

/** The task's state once it is one of `states`. */
const until = (id: string, states: ReadonlyArray<string>) =>
  Effect.map(
    eventually(
      stateOf(id),
      Option.exists((s) => states.includes(s)),
      {
        what: `task ${id} to be ${states.join(" or ")}`
      }
    ),
    Option.getOrThrow
  )

/** Once the task's timeline shows `path` running: the run got that far. */
const running = (id: string, path: string) =>
  Effect.flatMap(CheckpointsPg.make(), (checkpoints) =>
    eventually(
      checkpoints.timeline(id),
      (timeline) => timeline.some((e) => e.phase === "run" && e.path === path && e.state === "RUNNING"),
      { what: `task ${id} to run ${path}` }
    )
  )

/** Waits until a message with this id has been dead-lettered (other tests' dead letters are drained too). */
const deadLettered = (messageId: string) =>
  eventually(drainQueue(Topology.deadLetterQueue), (dead) => dead.some((m) => m.messageId === messageId), {
    what: `message ${messageId} in the dead-letter queue`
  })

describe("worker on PostgreSQL and RabbitMQ", () => {
  layer(Worker, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("runs published tasks to SUCCEEDED, each stage once, with its timeline", () =>
      Effect.gen(function* () {
        const ids = yield* Effect.forEach([1, 2, 3, 4, 5, 6], () => submit({ stages: 3, sleepMs: 20 }))
        for (const id of ids) expect(yield* until(id, ["SUCCEEDED", "FAILED"])).toBe("SUCCEEDED")
        const checkpoints = yield* CheckpointsPg.make()
        for (const id of ids) {
          const timeline = yield* checkpoints.timeline(id)
          expect(
            timeline.filter((e) => e.phase === "run" && e.state === "SUCCEEDED").map((e) => e.path)
          ).toEqual(["s0/step", "s1/step", "s2/step"])
          for (const path of ["s0/step", "s1/step", "s2/step"])
            expect(executions.get(`enamel-${id}-${path}`)).toBe(1)
        }
        const task = yield* Effect.flatMap(TaskStore, (s) => s.get(ids[0] ?? ""))
        expect(Option.map(task, (t) => t.result)).toEqual(Option.some(["s0/step", "s1/step", "s2/step"]))
      })
    )

    it.effect("cancelling a running task interrupts its wait, undoes its stages, and ends it CANCELLED", () =>
      Effect.gen(function* () {
        const id = yield* submit({ stages: 2, sleepMs: 1, waitForever: true })
        // Cancelled while it waits, not before: what is interrupted is the wait itself.
        yield* running(id, "waitForever")
        yield* Effect.flatMap(TaskStore, (s) => s.requestCancel(id, undefined))
        expect(yield* until(id, ["CANCELLED", "FAILED"])).toBe("CANCELLED")
        expect(executions.get(`undo enamel-${id}-s0/step`)).toBe(1)
        expect(executions.get(`undo enamel-${id}-s1/step`)).toBe(1)
      })
    )

    it.effect("the admin RPC reports, tunes, pauses and resumes a topic", () =>
      Effect.gen(function* () {
        const server = yield* HttpServer.HttpServer
        const port = server.address._tag === "TcpAddress" ? server.address.port : 0
        const client = yield* RpcClient.make(AdminRpcs).pipe(
          Effect.provide(
            RpcClient.layerProtocolHttp({ url: `http://127.0.0.1:${port}/rpc` }).pipe(
              Layer.provide([FetchHttpClient.layer, RpcSerialization.layerJson])
            )
          )
        )
        yield* client.SetConcurrency({ topic, concurrency: 5 })
        yield* client.Pause({ topic })
        const stats = yield* client.Stats()
        expect(stats.find((s) => s.topic === topic)).toMatchObject({ concurrency: 5, paused: true })
        const id = yield* submit({ stages: 1, sleepMs: 1 })
        // Published and left in the queue: a consumer that was not paused would have taken it at once.
        yield* eventually(queueDepth(topic), (depth) => depth === 1, { what: `the task waiting in ${topic}` })
        expect(yield* stateOf(id)).toEqual(Option.some("PENDING"))
        yield* client.Resume({ topic })
        expect(yield* until(id, ["SUCCEEDED"])).toBe("SUCCEEDED")
        const unknown = yield* Effect.flip(client.Pause({ topic: "no.such.topic" }))
        expect(unknown._tag).toBe("UnknownTopicError")
      }).pipe(Effect.scoped)
    )

    it.effect("a task whose workers keep dying on it fails and its message is dead-lettered", () =>
      Effect.gen(function* () {
        const pools = yield* WorkerPools
        yield* drainQueue(Topology.deadLetterQueue)
        yield* pools.pause(topic)
        const id = yield* submit({ stages: 1, sleepMs: 1 })
        const sql = yield* SqlClient.SqlClient
        yield* sql`UPDATE tasks SET restarts = 10, fence = 11 WHERE id = ${id}`
        yield* pools.resume(topic)
        expect(yield* until(id, ["FAILED", "SUCCEEDED"])).toBe("FAILED")
        const task = yield* Effect.flatMap(TaskStore, (store) => store.get(id))
        expect(Option.map(task, (t) => t.error?.code)).toEqual(Option.some("task.too_many_restarts"))
        yield* deadLettered(id)
      })
    )

    it.effect("an undecodable message goes to the dead-letter queue", () =>
      Effect.gen(function* () {
        yield* drainQueue(Topology.deadLetterQueue)
        const broker = yield* Broker
        const messageId = crypto.randomUUID()
        yield* broker.publish([{ routingKey: topic, messageId, priority: 0, body: "not a task" }])
        yield* deadLettered(messageId)
      })
    )
  })
})

const longTopic = `test.long${crypto.randomUUID().slice(0, 8)}`
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace: "enamel", topics: [topic, longTopic], own: false }))
)

describe("worker with a task longer than its delivery may stay unacknowledged", () => {
  layer(workerFor(longTopic, [["ENAMEL_HAND_ON_AFTER", "500 millis"]]), {
    timeout: 120_000,
    excludeTestServices: true
  })((it) => {
    it.effect("hands the task on, finishes it exactly once, and leaves no message behind", () =>
      Effect.gen(function* () {
        const before = (yield* Metric.value(handedOn)).count
        const id = yield* submit({ stages: 4, sleepMs: 400 }, longTopic)
        expect(yield* until(id, ["SUCCEEDED", "FAILED"])).toBe("SUCCEEDED")
        // The delivery was acknowledged mid-run and the task announced again.
        expect((yield* Metric.value(handedOn)).count).toBeGreaterThan(before)
        for (const path of ["s0/step", "s1/step", "s2/step", "s3/step"]) {
          expect(executions.get(`enamel-${id}-${path}`)).toBe(1)
        }
        // The handed-on message is consumed too (acknowledged once the task had ended).
        yield* eventually(queueDepth(longTopic), (left) => left === 0, {
          what: `the handed-on message of ${longTopic} to be consumed`
        })
      })
    )
  })
})
