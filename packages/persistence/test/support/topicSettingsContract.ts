/**
 * The desired settings of topics and the workers' heartbeats, held to what the fleet relies on: a
 * worker's defaults never overwrite a stored setting, every change is a new revision and wakes the
 * workers, a heartbeat replaces a worker's rows, and stale rows leave the view and later the table. The
 * same cases run on the PostgreSQL server and on PGlite (the embedded mode, NOTIFY within the process).
 */
import { SqlClient } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { TopicSettings, type WorkerReport } from "@enamel/persistence"
import { Duration, Effect, Fiber, Layer, Option, Stream } from "effect"
import { eventually } from "../../../../test/support/poll.js"

/** Topics of their own per case: the cases share one database. */
const fresh = (name: string) => `${name}.${crypto.randomUUID().slice(0, 8)}`

const settingOf = (topic: string) =>
  Effect.flatMap(TopicSettings, (store) =>
    Effect.map(store.of([topic]), (rows) => Option.fromNullable(rows[0]))
  )

export const topicSettingsContract = <E>(
  backend: string,
  database: Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, E>
) =>
  describe(`topic settings and heartbeats (${backend})`, () => {
    it.layer(Layer.provideMerge(TopicSettings.Default, database), { timeout: 60_000 })((it) => {
      it.effect("a worker's defaults are stored only where nothing is: an operator's setting stays", () =>
        Effect.gen(function* () {
          const store = yield* TopicSettings
          const [a, b] = [fresh("a"), fresh("b")]
          const first = yield* store.adopt([{ topic: a, concurrency: 4 }], "worker:w1")
          expect(first).toMatchObject([
            { topic: a, concurrency: 4, paused: false, revision: 1, updatedBy: "worker:w1" }
          ])
          yield* store.change([{ topic: a, concurrency: 4 }], { concurrency: 7, paused: true }, "user:admin")
          const second = yield* store.adopt(
            [
              { topic: a, concurrency: 2 },
              { topic: b, concurrency: 3 }
            ],
            "worker:w2"
          )
          expect(second).toMatchObject([
            { topic: a, concurrency: 7, paused: true, revision: 2, updatedBy: "user:admin" },
            { topic: b, concurrency: 3, paused: false, revision: 1, updatedBy: "worker:w2" }
          ])
        })
      )

      it.effect("a change sets the fields given, keeps the others, and is always a new revision", () =>
        Effect.gen(function* () {
          const store = yield* TopicSettings
          const topic = fresh("c")
          // Nothing stored yet: the change starts from the topic's default.
          const [created] = yield* store.change([{ topic, concurrency: 5 }], { paused: true }, "user:u1")
          expect(created).toMatchObject({
            topic,
            concurrency: 5,
            paused: true,
            revision: 1,
            updatedBy: "user:u1"
          })
          const [tuned] = yield* store.change([{ topic, concurrency: 5 }], { concurrency: 9 }, "user:u2")
          expect(tuned).toMatchObject({ concurrency: 9, paused: true, revision: 2, updatedBy: "user:u2" })
          // Nothing to change still makes a revision: the workers apply the stored setting again.
          const [again] = yield* store.change([{ topic, concurrency: 5 }], {}, "user:u3")
          expect(again).toMatchObject({ concurrency: 9, paused: true, revision: 3 })
          expect(Option.map(yield* settingOf(topic), (s) => s.revision)).toEqual(Option.some(3))
          // Many topics at once (the fleet's drain): each keeps its concurrency, each is paused.
          const other = fresh("d")
          const drained = yield* store.change(
            [
              { topic, concurrency: 5 },
              { topic: other, concurrency: 2 }
            ],
            { paused: true },
            "user:u4"
          )
          expect(drained.map((s) => [s.topic, s.concurrency, s.paused]).sort()).toEqual(
            [
              [topic, 9, true],
              [other, 2, true]
            ].sort()
          )
          // The database refuses what the API would: concurrency is 1 to 10,000.
          const refused = yield* Effect.flip(
            store.change([{ topic, concurrency: 5 }], { concurrency: 0 }, "user:u5")
          )
          expect(refused._tag).toBe("TopicSettingsError")
        })
      )

      it.effect("a change wakes whoever listens, with the topic", () =>
        Effect.gen(function* () {
          const store = yield* TopicSettings
          const topic = fresh("n")
          const heard = yield* Effect.fork(Stream.runHead(Stream.filter(store.changes, (t) => t === topic)))
          // Listening starts asynchronously (on a connection of its own on a server): change until heard.
          yield* eventually(
            Effect.zipRight(
              store.change([{ topic, concurrency: 1 }], { concurrency: 2 }, "user:u"),
              Fiber.poll(heard)
            ),
            Option.isSome,
            { what: `a notification for ${topic}` }
          )
          expect(yield* Fiber.join(heard)).toEqual(Option.some(topic))
        })
      )

      it.effect(
        "a heartbeat replaces the worker's rows; stale rows leave the view, and later the table",
        () =>
          Effect.gen(function* () {
            const store = yield* TopicSettings
            const sql = yield* SqlClient.SqlClient
            const [w1, w2, w3] = [fresh("w1"), fresh("w2"), fresh("w3")]
            const mine = (reports: ReadonlyArray<WorkerReport>) =>
              reports.filter((r) => [w1, w2, w3].includes(r.workerId))
            const live = Duration.minutes(1)
            yield* store.beat(
              w1,
              [
                { topic: "t.one", concurrency: 2, running: 1, paused: false },
                { topic: "t.two", concurrency: 3, running: 0, paused: true }
              ],
              live
            )
            yield* store.beat(w2, [{ topic: "t.one", concurrency: 4, running: 4, paused: false }], live)
            expect(
              mine(yield* store.live).map((r) => [r.workerId, r.topic, r.concurrency, r.running, r.paused])
            ).toEqual([
              [w1, "t.one", 2, 1, false],
              [w2, "t.one", 4, 4, false],
              [w1, "t.two", 3, 0, true]
            ])
            // The next beat replaces w1's rows: new numbers, and a topic it no longer serves is gone.
            yield* store.beat(w1, [{ topic: "t.one", concurrency: 5, running: 2, paused: true }], live)
            const rowsOf = (worker: string) =>
              sql<{ topic: string; concurrency: number }>`
              SELECT topic, concurrency FROM worker_heartbeats WHERE worker_id = ${worker}`
            expect(yield* rowsOf(w1)).toEqual([{ topic: "t.one", concurrency: 5 }])
            // A beat that is already stale (no time to live) is kept but not shown.
            yield* store.beat(
              w2,
              [{ topic: "t.one", concurrency: 4, running: 0, paused: false }],
              Duration.zero
            )
            expect(mine(yield* store.live).map((r) => r.workerId)).toEqual([w1])
            expect(yield* rowsOf(w2)).toHaveLength(1)
            // Stale for long: removed by another worker's beat.
            yield* sql`UPDATE worker_heartbeats SET stale_at = now() - interval '11 minutes' WHERE worker_id = ${w2}`
            yield* store.beat(w3, [{ topic: "t.one", concurrency: 1, running: 0, paused: false }], live)
            expect(yield* rowsOf(w2)).toEqual([])
            // A worker that stops takes its rows along.
            yield* store.forget(w1)
            expect(mine(yield* store.live).map((r) => r.workerId)).toEqual([w3])
          })
      )
    })
  })
