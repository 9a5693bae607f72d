import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Broker, BrokerAmqp, BrokerError, type OutgoingMessage } from "@enamel/broker"
import { drainTopic } from "@enamel/broker/testing"
import { TaskNotFound } from "@enamel/domain"
import {
  IdempotencyConflict,
  MarkerNotFound,
  type NewTask,
  OUTBOX_CHANNEL,
  OutboxRelay,
  TaskNotCancellable,
  TaskStore
} from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Effect, Layer, Ref, TestServices } from "effect"
import { eventually } from "../../../test/support/poll.js"
import { newTask as aTask } from "./support/newTask.js"

// The TaskStore tests' tasks carry params and a key reference, as the API's do.
const newTask = (overrides: Partial<NewTask> = {}) =>
  aTask({ priority: 3, params: { name: "web" }, keyRef: "http://barbican/v1/secrets/abc", ...overrides })

/** A broker that refuses the first `failures` batches, then records what it is given. */
const flakyBroker = (failures: number) =>
  Effect.gen(function* () {
    const left = yield* Ref.make(failures)
    const published = yield* Ref.make<ReadonlyArray<OutgoingMessage>>([])
    const broker = Broker.of({
      publish: (messages) =>
        Effect.flatMap(
          Ref.getAndUpdate(left, (n) => n - 1),
          (n) =>
            n > 0
              ? Effect.fail(new BrokerError({ message: "down" }))
              : Ref.update(published, (all) => [...all, ...messages])
        )
    })
    return { broker, published }
  })

const testConfig = ConfigProvider.fromMap(new Map([["ENAMEL_OUTBOX_SWEEP", "50 millis"]]))

const Store = TaskStore.Default.pipe(Layer.provideMerge(TestDatabase.layer))

describe("TaskStore on PostgreSQL", () => {
  it.layer(Store, { timeout: 60_000 })((it) => {
    it.effect("returns the same task for the same Idempotency-Key and body, 409 for another body", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore
        const key = crypto.randomUUID()
        const first = yield* store.create(newTask({ idempotencyKey: key, requestHash: "h1" }))
        const again = yield* store.create(newTask({ idempotencyKey: key, requestHash: "h1" }))
        expect(first.created).toBe(true)
        expect(again).toEqual({ task: first.task, created: false })
        const other = yield* Effect.flip(store.create(newTask({ idempotencyKey: key, requestHash: "h2" })))
        expect(other).toEqual(new IdempotencyConflict({ taskId: first.task.id }))
        // Another user may use the same key for their own task.
        const bob = yield* store.create(newTask({ idempotencyKey: key, requestHash: "h2", userId: "u-bob" }))
        expect(bob.created).toBe(true)
      })
    )

    it.effect(
      "concurrent accepts share statements and each still gets its own task, outbox row or refusal",
      () =>
        Effect.gen(function* () {
          const store = yield* TaskStore
          const sql = yield* PgClient.PgClient
          const projectId = `p-${crypto.randomUUID()}`
          const key = crypto.randomUUID()
          const plain = Array.from({ length: 40 }, () => newTask({ projectId }))
          // The same request five times with one Idempotency-Key: one task, the others get it back.
          const repeated = Array.from({ length: 5 }, () =>
            newTask({ projectId, idempotencyKey: key, requestHash: "h" })
          )
          // A priority the table refuses: the statement that carries it fails, and only this caller does.
          const refused = newTask({ projectId, priority: 42 })
          const outcomes = yield* Effect.all(
            [...plain, ...repeated, refused].map((task) => Effect.either(store.create(task))),
            { concurrency: "unbounded" }
          )
          const created = outcomes.flatMap((o) =>
            o._tag === "Right" && o.right.created ? [o.right.task.id] : []
          )
          const returned = outcomes.flatMap((o) =>
            o._tag === "Right" && !o.right.created ? [o.right.task.id] : []
          )
          expect(outcomes.at(-1)?._tag).toBe("Left")
          expect(created).toHaveLength(41)
          expect(created).toEqual(expect.arrayContaining(plain.map((t) => t.id)))
          expect(returned).toHaveLength(4)
          expect(
            new Set([...returned, ...created.filter((id) => !plain.some((t) => t.id === id))]).size
          ).toBe(1)
          const queued = yield* sql<{ taskId: string }>`
          SELECT o.task_id::text AS task_id FROM task_outbox o JOIN tasks t ON t.id = o.task_id
          WHERE t.project_id = ${projectId}`
          expect(queued.map((row) => row.taskId).sort()).toEqual([...created].sort())
        })
    )

    it.effect("lists newest first with OpenStack paging, filtered by project, user, state and type", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore
        const projectId = `p-${crypto.randomUUID()}`
        const created = []
        for (let i = 0; i < 5; i++) created.push((yield* store.create(newTask({ projectId }))).task)
        yield* store.create(newTask({ projectId, userId: "u-other" }))
        const mine = { projectId, userId: "u-alice", states: ["PENDING" as const] }
        const page1 = yield* store.list({ ...mine, limit: 3 })
        const page2 = yield* store.list({ ...mine, limit: 3, marker: page1[2]?.id ?? "" })
        expect([...page1, ...page2].map((t) => t.id)).toEqual(created.map((t) => t.id).reverse())
        expect(yield* store.list({ projectId, limit: 100 })).toHaveLength(6)
        expect(yield* store.list({ projectId, type: "server.delete", limit: 100 })).toHaveLength(0)
        const missing = crypto.randomUUID()
        expect(yield* Effect.flip(store.list({ projectId, limit: 1, marker: missing }))).toEqual(
          new MarkerNotFound({ marker: missing })
        )
      })
    )

    it.effect("cancels a PENDING task at once, refuses a finished one, hides other projects' tasks", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore
        const { task } = yield* store.create(newTask())
        const cancelled = yield* store.requestCancel(task.id, task.projectId)
        expect(cancelled.state).toBe("CANCELLED")
        expect(cancelled.endedAt).not.toBeNull()
        expect(yield* Effect.flip(store.requestCancel(task.id, task.projectId))).toEqual(
          new TaskNotCancellable({ taskId: task.id, state: "CANCELLED" })
        )
        expect(yield* Effect.flip(store.requestCancel(task.id, "p-beta"))).toEqual(
          new TaskNotFound({ taskId: task.id })
        )
        expect(yield* Effect.flip(store.findByProject(task.id, "p-beta"))).toEqual(
          new TaskNotFound({ taskId: task.id })
        )
      })
    )

    it.effect("the relay keeps tasks while the broker is down and publishes each once it is back", () =>
      Effect.gen(function* () {
        const { broker, published } = yield* flakyBroker(3)
        const store = yield* TaskStore
        const tasks = [newTask(), newTask(), newTask()]
        for (const t of tasks) yield* store.create(t)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const relay = yield* OutboxRelay
            yield* relay.nudge
            yield* eventually(relay.backlog, (left) => left === 0, { what: "the outbox to be published" })
          }).pipe(Effect.provide(OutboxRelay.Default), Effect.provideService(Broker, broker))
        )
        const ids = (yield* Ref.get(published)).map((m) => m.messageId)
        for (const t of tasks) expect(ids.filter((id) => id === t.id)).toHaveLength(1)
      }).pipe(Effect.withConfigProvider(testConfig), TestServices.provideLive)
    )

    it.effect("a relay wakes on another process's commit (NOTIFY), without a nudge or a sweep", () =>
      Effect.gen(function* () {
        const { broker, published } = yield* flakyBroker(0)
        const store = yield* TaskStore
        const sql = yield* PgClient.PgClient
        // Committed before the relay starts: its first batch publishes it, and nothing is left to wake it.
        const before = newTask()
        yield* store.create(before)
        const task = newTask()
        const publishedIds = Effect.map(Ref.get(published), (messages) => messages.map((m) => m.messageId))
        const firstBatch = yield* Effect.scoped(
          Effect.gen(function* () {
            const relay = yield* OutboxRelay
            const first = yield* eventually(publishedIds, (ids) => ids.includes(before.id), {
              what: "the relay's first batch"
            })
            // The relay's own connection has run its LISTEN (and nothing since).
            yield* eventually(
              sql<{ listening: number }>`SELECT count(*)::int AS listening FROM pg_stat_activity
                WHERE datname = current_database() AND state = 'idle'
                  AND query ILIKE 'LISTEN %' AND position(${OUTBOX_CHANNEL} IN query) > 0`,
              (rows) => (rows[0]?.listening ?? 0) > 0,
              { what: "the relay to listen" }
            )
            // Committed as another process would: only its notification can wake the relay.
            yield* store.create(task)
            yield* eventually(publishedIds, (ids) => ids.includes(task.id), { what: "the relay to publish" })
            expect(yield* relay.backlog).toBe(0)
            return first
          }).pipe(Effect.provide(OutboxRelay.Default), Effect.provideService(Broker, broker))
        )
        expect(yield* publishedIds).toEqual([...firstBatch, task.id])
      }).pipe(
        // A sweep far beyond the test: only the notification can wake the relay.
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["ENAMEL_OUTBOX_SWEEP", "1 hour"]]))),
        TestServices.provideLive
      )
    )
  })
})

describe("TaskStore with the real RabbitMQ", () => {
  it.layer(Layer.mergeAll(Store, BrokerAmqp.layer), { timeout: 60_000 })((it) => {
    it.effect("a committed task reaches its topic queue as a persistent message", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore
        const topic = `test.t${crypto.randomUUID().slice(0, 8)}`
        const task = newTask({ type: topic, priority: 7 })
        yield* store.create(task)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const relay = yield* OutboxRelay
            yield* relay.nudge
            yield* eventually(relay.backlog, (left) => left === 0, { what: "the outbox to be published" })
          }).pipe(Effect.provide(OutboxRelay.Default))
        )
        expect(yield* drainTopic(topic)).toEqual([
          { body: task.message, priority: 7, persistent: true, messageId: task.id }
        ])
      }).pipe(TestServices.provideLive)
    )
  })
})
