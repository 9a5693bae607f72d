/**
 * The executor against a real PostgreSQL, with the store made to fail where a test needs it: every
 * delivery is settled exactly once, and acknowledged only when its task has ended, was handed on, or is
 * another worker's. An ack too many leaves a task claimed and announced nowhere: nobody runs it again.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerMemory } from "@enamel/broker"
import { ErrorCode, runnable } from "@enamel/domain"
import { OutboxRelay, TaskLeases, TaskStore, TaskStoreError } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Duration, Effect, Layer } from "effect"
import { newTask } from "../../persistence/test/support/newTask.js"
import { Cancellations } from "../src/Cancellations.js"
import { LeaseKeeper } from "../src/LeaseKeeper.js"
import { TaskExecutor } from "../src/TaskExecutor.js"
import * as TaskFlowsLayer from "../src/TaskFlows.js"
import { TaskFlows, taskFlow } from "../src/TaskFlows.js"
import { leasesOverriding, recordingDelivery } from "./executorSupport.js"
import { stepsFlow } from "./testFlows.js"

const topic = `test.exec${crypto.randomUUID().slice(0, 8)}`
/** A type whose version 1 this worker no longer has: it runs version 2 only. */
const retiredTopic = `${topic}.retired`
/** A type whose tasks each get an environment that counts when it is built and released. */
const envTopic = `${topic}.env`
const workerId = "w-executor-test"

/** What the tests make fail: reading a task, and ending one. */
const failing = { reads: false, finishes: false }
const storeDown = () => new TaskStoreError({ cause: "the test took the store away" })

const FlakyStore = Layer.effect(
  TaskStore,
  Effect.map(
    TaskStore,
    (real) =>
      new TaskStore({
        ...real,
        get: (id) => (failing.reads ? Effect.fail(storeDown()) : real.get(id))
      })
  )
).pipe(Layer.provide(TaskStore.Default))

const FlakyLeases = leasesOverriding((real) => ({
  finish: (lease, outcome) => (failing.finishes ? Effect.fail(storeDown()) : real.finish(lease, outcome))
}))

const environments = { built: 0, released: 0 }

const Flows = Layer.effect(
  TaskFlows,
  Effect.map(
    Effect.all([
      taskFlow(runnable(stepsFlow(topic)), () => Layer.empty),
      taskFlow(runnable({ ...stepsFlow(retiredTopic), version: 2 }), () => Layer.empty),
      taskFlow(runnable(stepsFlow(envTopic)), () =>
        Layer.scopedDiscard(
          Effect.acquireRelease(
            Effect.sync(() => environments.built++),
            () => Effect.sync(() => environments.released++)
          )
        )
      )
    ]),
    TaskFlowsLayer.fromList
  )
)

const Executor = TaskExecutor.Default.pipe(
  Layer.provide([Flows, Cancellations.Default, LeaseKeeper.Default, OutboxRelay.Default]),
  Layer.provideMerge(Layer.mergeAll(FlakyStore, FlakyLeases)),
  Layer.provide(BrokerMemory.layer),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provide(
    Layer.setConfigProvider(
      ConfigProvider.fromMap(
        new Map([
          ["ENAMEL_WORKER_ID", workerId],
          ["ENAMEL_LEASE_TTL", "5 seconds"],
          ["ENAMEL_WORKER_RETRY_DELAY", "10 millis"],
          ["ENAMEL_MAX_RESTARTS", "1"]
        ])
      ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
    )
  )
)

/** A task in the store; its outbox row is left alone (no relay publishes to a consumer here). */
const submitOf = (type: string, flowVersion: number) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const id = crypto.randomUUID()
    const task = newTask({
      id,
      type,
      flowVersion,
      projectId: "p-test",
      userId: "u-test",
      params: { stages: 1, sleepMs: 10 },
      message: JSON.stringify({ taskId: id, type, flowVersion, resumeFrom: null, restarts: 0 })
    })
    yield* store.create(task)
    return { id: task.id, message: task.message }
  })

const submit = submitOf(topic, 1)

const delivery = recordingDelivery

const row = (id: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ state: string; leaseOwner: string | null; fence: string; restarts: number }>`
        SELECT state, lease_owner, fence::text, restarts FROM tasks WHERE id = ${id}`,
      (rows) => rows[0]
    )
  )

describe("TaskExecutor: every delivery settled once, acked only for a task ended or someone else's", () => {
  layer(Executor, { timeout: Duration.seconds(60), excludeTestServices: true })((it) => {
    it.effect("a task claimed but unreadable for now is handed back and requeued, then runs", () =>
      Effect.gen(function* () {
        const executor = yield* TaskExecutor
        const task = yield* submit
        const first = yield* delivery(task.message)
        failing.reads = true
        yield* executor
          .execute(first.delivery)
          .pipe(Effect.ensuring(Effect.sync(() => (failing.reads = false))))
        expect(yield* first.settled).toEqual(["requeue"])
        expect(yield* row(task.id)).toMatchObject({ state: "PENDING", leaseOwner: null })

        const again = yield* delivery(task.message)
        yield* executor.execute(again.delivery)
        expect(yield* again.settled).toEqual(["ack"])
        expect(yield* row(task.id)).toMatchObject({ state: "SUCCEEDED", leaseOwner: null })
      })
    )

    it.effect("two deliveries of one task at once: one claim and one run; the other is requeued", () =>
      Effect.gen(function* () {
        const executor = yield* TaskExecutor
        const task = yield* submit
        const one = yield* delivery(task.message)
        const two = yield* delivery(task.message)
        yield* Effect.all([executor.execute(one.delivery), executor.execute(two.delivery)], {
          concurrency: "unbounded"
        })
        expect([...(yield* one.settled), ...(yield* two.settled)].sort()).toEqual(["ack", "requeue"])
        expect(yield* row(task.id)).toMatchObject({ state: "SUCCEEDED", fence: "1", restarts: 0 })
      })
    )

    it.effect(
      "a task of a newer flow version than this worker has is left unclaimed for a newer worker",
      () =>
        Effect.gen(function* () {
          const executor = yield* TaskExecutor
          const task = yield* submitOf(topic, 2)
          const given = yield* delivery(task.message)
          yield* executor.execute(given.delivery)
          expect(yield* given.settled).toEqual(["requeue"])
          expect(yield* row(task.id)).toMatchObject({ state: "PENDING", leaseOwner: null, fence: "0" })
        })
    )

    it.effect("a task's environment is released when the task ends, not kept for the worker's life", () =>
      Effect.gen(function* () {
        const executor = yield* TaskExecutor
        const task = yield* submitOf(envTopic, 1)
        const given = yield* delivery(task.message)
        yield* executor.execute(given.delivery)
        expect(yield* given.settled).toEqual(["ack"])
        expect(yield* row(task.id)).toMatchObject({ state: "SUCCEEDED" })
        expect(environments).toEqual({ built: 1, released: 1 })
      })
    )

    it.effect("a task of a flow version this worker no longer has fails, naming the version", () =>
      Effect.gen(function* () {
        const executor = yield* TaskExecutor
        const store = yield* TaskStore
        const task = yield* submitOf(retiredTopic, 1)
        const given = yield* delivery(task.message)
        yield* executor.execute(given.delivery)
        expect(yield* given.settled).toEqual(["ack"])
        const ended = yield* store.get(task.id)
        expect(ended._tag === "Some" ? ended.value : undefined).toMatchObject({
          state: "FAILED",
          error: { code: ErrorCode.taskUnknownFlowVersion }
        })
      })
    )

    it.effect(
      "a task given up after too many restarts while the store fails: requeued, not kept in hand",
      () =>
        Effect.gen(function* () {
          const executor = yield* TaskExecutor
          const leases = yield* TaskLeases
          const task = yield* submit
          // Two workers took it before and died: their leases (of no length) are over at once.
          for (const owner of ["w-dead-1", "w-dead-2"]) yield* leases.claim(task.id, owner, Duration.zero)
          const given = yield* delivery(task.message)
          failing.finishes = true
          yield* executor
            .execute(given.delivery)
            .pipe(Effect.ensuring(Effect.sync(() => (failing.finishes = false))))
          expect(yield* given.settled).toEqual(["requeue"])

          const again = yield* delivery(task.message)
          yield* executor.execute(again.delivery)
          expect(yield* again.settled).toEqual(["deadLetter"])
          expect(yield* row(task.id)).toMatchObject({ state: "FAILED", leaseOwner: null })
        })
    )
  })
})
