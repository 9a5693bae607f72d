/**
 * A worker tuned by the fleet's stored settings (`/admin/topics`), in memory: PGlite (NOTIFY within the
 * process) and the in-process broker. It starts from the stored setting, applies a change within a
 * second and reports it in its heartbeat at once; what the admin RPC sets holds until the stored setting
 * next changes; a drained worker stays paused. The same with real processes: `fleetTuning.test.ts`.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerMemory, ConsumerMemory } from "@enamel/broker"
import { runnable } from "@enamel/domain"
import { TOPIC_SETTINGS_CHANNEL, TopicSettings } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import { eventually } from "../../../test/support/poll.js"
import * as TaskFlowsLayer from "../src/TaskFlows.js"
import { TaskFlows, taskFlow } from "../src/TaskFlows.js"
import type { TopicStats } from "../src/TopicPool.js"
import { WorkerPools } from "../src/WorkerPools.js"
import { workerPoolsOn } from "../src/WorkerProcess.js"
import { stepsFlow } from "./testFlows.js"

const [a, b] = ["fleet.a", "fleet.b"] as const

const flows = Layer.effect(
  TaskFlows,
  Effect.map(
    Effect.forEach([a, b], (topic) => taskFlow(runnable(stepsFlow(topic)), () => Layer.empty)),
    TaskFlowsLayer.fromList
  )
)

/** A worker's pools on the test's database, consuming `a` and `b` with the given defaults. */
const worker = (id: string, topics = `${a}=3,${b}=4`) =>
  workerPoolsOn(flows).pipe(
    Layer.provide(Layer.provideMerge(ConsumerMemory.layer, BrokerMemory.layer)),
    Layer.provide(
      Layer.setConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["ENAMEL_WORKER_TOPICS", topics],
            ["ENAMEL_WORKER_ID", id],
            ["ENAMEL_WORKER_GRACE", "1 second"],
            // A change within the second comes by NOTIFY.
            ["ENAMEL_WORKER_SETTINGS_POLL", "10 minutes"]
          ])
        )
      )
    )
  )

const statsOf = (topic: string) =>
  Effect.flatMap(WorkerPools, (pools) =>
    Effect.map(pools.stats, (all) => Option.fromNullable(all.find((s) => s.topic === topic)))
  )

const tunedAs = (topic: string, want: Partial<TopicStats>) =>
  eventually(
    statsOf(topic),
    Option.exists((s) => Object.entries(want).every(([k, v]) => s[k as keyof TopicStats] === v)),
    { what: `${topic} to run ${JSON.stringify(want)}`, timeout: "1 second", every: "10 millis" }
  )

/** PGlite is one session: once it listens on the channel, every NOTIFY committed from now on is heard. */
const listening = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  eventually(
    sql<{ channel: string }>`SELECT pg_listening_channels() AS channel`,
    (rows) => rows.some((row) => row.channel === TOPIC_SETTINGS_CHANNEL),
    { what: "the worker to listen for topic settings" }
  )
)

const reportOf = (workerId: string, topic: string) =>
  Effect.flatMap(TopicSettings, (store) =>
    Effect.map(store.live, (reports) =>
      Option.fromNullable(reports.find((r) => r.workerId === workerId && r.topic === topic))
    )
  )

describe("a worker tuned by the stored topic settings", () => {
  layer(Layer.provideMerge(TopicSettings.Default, TestDatabase.layerPglite), {
    timeout: 30_000,
    excludeTestServices: true
  })((it) => {
    it.effect("starts from the stored setting; its own number is stored only where none is", () =>
      Effect.gen(function* () {
        const store = yield* TopicSettings
        yield* store.change([{ topic: a, concurrency: 3 }], { concurrency: 9, paused: true }, "user:op")
        const stats = yield* Effect.flatMap(WorkerPools, (pools) => pools.stats).pipe(
          Effect.provide(worker("worker-start"))
        )
        expect(stats.map((s) => [s.topic, s.concurrency, s.paused])).toEqual([
          [a, 9, true],
          [b, 4, false]
        ])
        expect((yield* store.of([a, b])).map((s) => [s.topic, s.concurrency, s.updatedBy])).toEqual([
          [a, 9, "user:op"],
          [b, 4, "worker:worker-start"]
        ])
        // Gone from the view once stopped.
        expect(yield* reportOf("worker-start", a)).toEqual(Option.none())
        yield* store.change([{ topic: a, concurrency: 3 }], { concurrency: 3, paused: false }, "user:op")
      })
    )

    it.effect("applies a stored change within a second, and reports it in its heartbeat at once", () =>
      Effect.gen(function* () {
        const store = yield* TopicSettings
        const sql = yield* SqlClient.SqlClient
        yield* eventually(reportOf("worker-follow", a), Option.isSome, { what: "the first heartbeat" })
        // A worker reports once it heard its own NOTIFY: by its first heartbeat it listens.
        const channels = yield* sql<{ channel: string }>`SELECT pg_listening_channels() AS channel`
        expect(channels.map((row) => row.channel)).toContain(TOPIC_SETTINGS_CHANNEL)
        // The heartbeat is 2 s: a report within the second is the one written after applying.
        const started = Date.now()
        yield* store.change([{ topic: a, concurrency: 3 }], { concurrency: 6, paused: true }, "user:op")
        yield* tunedAs(a, { concurrency: 6, paused: true })
        yield* eventually(
          reportOf("worker-follow", a),
          Option.exists((r) => r.concurrency === 6 && r.paused),
          { what: "the heartbeat to show the change", timeout: "1 second", every: "10 millis" }
        )
        expect(Date.now() - started).toBeLessThan(1_000)
        yield* store.change([{ topic: a, concurrency: 3 }], { paused: false }, "user:op")
        yield* tunedAs(a, { concurrency: 6, paused: false })
      }).pipe(Effect.provide(worker("worker-follow")))
    )

    it.effect(
      "the admin RPC holds until the topic's stored setting next changes; a drained worker stays paused",
      () =>
        Effect.gen(function* () {
          const store = yield* TopicSettings
          const pools = yield* WorkerPools
          yield* listening
          const [stored] = yield* store.of([a])
          yield* pools.setConcurrency(a, 2)
          yield* pools.pause(a)
          // Another topic's change is read and applied; a's, unchanged, is not applied again.
          yield* store.change([{ topic: b, concurrency: 4 }], { concurrency: 5 }, "user:op")
          yield* tunedAs(b, { concurrency: 5 })
          yield* tunedAs(a, { concurrency: 2, paused: true })
          // A change of a's stored setting (here, none of its fields) replaces what the RPC set.
          yield* store.change([{ topic: a, concurrency: 3 }], {}, "user:op")
          yield* tunedAs(a, { concurrency: stored?.concurrency ?? 0, paused: false })
          // Drained: the worker stays paused whatever is stored; other fields still apply.
          yield* pools.drain
          yield* store.change([{ topic: a, concurrency: 3 }], { concurrency: 8, paused: false }, "user:op")
          yield* tunedAs(a, { concurrency: 8, paused: true })
        }).pipe(Effect.provide(worker("worker-rpc")))
    )
  })
})
