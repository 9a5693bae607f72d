import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import {
  CANCEL_CHANNEL,
  DataDirInUse,
  layerMigrated,
  OUTBOX_CHANNEL,
  PgliteDatabase,
  reannounceUnfinished,
  TaskLeases,
  TaskStore
} from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Clock, Deferred, Duration, Effect, Exit, Fiber, Layer, Option, Scope, Stream } from "effect"
import { eventually } from "../../../test/support/poll.js"
import { newTask as aTask } from "./support/newTask.js"

const newTask = () => aTask({ type: "test.pglite" })

const migratedAt = (dataDir: string) => Layer.provideMerge(layerMigrated, PgliteDatabase.layerAt(dataDir))
const Stores = Layer.mergeAll(TaskStore.Default, TaskLeases.Default)
const Pglite = Layer.provideMerge(Stores, TestDatabase.layerPglite)

/** Listens on `channel` through `stream`; the fiber completes with the first notification. */
const first = <A, E>(channel: string, stream: Stream.Stream<A, E>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const fiber = yield* Effect.fork(Stream.runHead(stream))
    // PGlite is one session: once it lists the channel, a NOTIFY committed from now on is heard.
    yield* eventually(
      sql<{ channel: string }>`SELECT pg_listening_channels() AS channel`,
      (rows) => rows.some((row) => row.channel === channel),
      { what: `the session to listen on ${channel}` }
    )
    return fiber
  })

describe("PGlite as Enamel's database", () => {
  it.scopedLive(
    "LISTEN/NOTIFY in one session: a task's commit wakes the outbox, a cancel names its task",
    () =>
      Effect.gen(function* () {
        const pg = yield* PgClient.PgClient
        const store = yield* TaskStore
        const leases = yield* TaskLeases
        const outbox = yield* first(OUTBOX_CHANNEL, pg.listen(OUTBOX_CHANNEL))
        const cancels = yield* first(CANCEL_CHANNEL, leases.cancelNotifications)
        const task = newTask()
        yield* store.create(task)
        expect(yield* Fiber.join(outbox)).toEqual(Option.some(task.type))
        yield* leases.claim(task.id, "w1", Duration.seconds(30))
        yield* store.requestCancel(task.id, undefined)
        expect(yield* Fiber.join(cancels)).toEqual(Option.some(task.id))
      }).pipe(Effect.provide(Pglite))
  )

  it.scopedLive(
    "a transaction runs alone: no statement of another fiber lands inside it or sees its writes",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE t (id int PRIMARY KEY)`
        const inside = yield* Deferred.make<void>()
        const rolledBack = yield* sql
          .withTransaction(
            Effect.gen(function* () {
              yield* sql`INSERT INTO t VALUES (1)`
              yield* Deferred.succeed(inside, undefined)
              // The transaction holds the session this long: what the statement outside has to wait for.
              yield* Effect.sleep("300 millis")
              const [row] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM t`
              return yield* Effect.fail(row?.n)
            })
          )
          .pipe(Effect.flip, Effect.fork)
        yield* Deferred.await(inside)
        const started = yield* Clock.currentTimeMillis
        // Waits for the transaction's end, then sees nothing of what it rolled back.
        const [outside] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM t`
        const waited = (yield* Clock.currentTimeMillis) - started
        expect(yield* Fiber.join(rolledBack)).toBe(1)
        expect(outside?.n).toBe(0)
        expect(waited).toBeGreaterThan(150)
      }).pipe(Effect.provide(Pglite))
  )

  it.scopedLive("keeps its data across a close and reopen; the data dir is held by one user at a time", () =>
    Effect.gen(function* () {
      const dataDir = yield* TestDatabase.freshDataDir
      const task = newTask()
      const first = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Layer.provideMerge(Stores, migratedAt(dataDir)), first)
      yield* Effect.flatMap(TaskStore, (s) => s.create(task)).pipe(Effect.provide(context))
      const second = yield* Effect.exit(Effect.scoped(Layer.build(migratedAt(dataDir))))
      expect(Exit.isFailure(second) && second.cause._tag === "Fail" && second.cause.error).toBeInstanceOf(
        DataDirInUse
      )
      yield* Scope.close(first, Exit.void)
      const again = yield* Effect.flatMap(TaskStore, (s) => s.get(task.id)).pipe(
        Effect.provide(Layer.provideMerge(Stores, migratedAt(dataDir)))
      )
      expect(Option.map(again, (t) => t.state)).toEqual(Option.some("PENDING"))
    })
  )

  it.scopedLive(
    "after a restart, unfinished tasks without an outbox row are announced again, leases released",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const store = yield* TaskStore
        const leases = yield* TaskLeases
        const [pending, running, finished, queued] = [newTask(), newTask(), newTask(), newTask()]
        for (const t of [pending, running, finished, queued]) yield* store.create(t)
        const lease = Option.getOrThrow(yield* leases.claim(running.id, "dead-worker", Duration.minutes(5)))
        const done = Option.getOrThrow(yield* leases.claim(finished.id, "w", Duration.minutes(5)))
        yield* leases.finish(done, { state: "SUCCEEDED", result: null, error: null })
        // The relay published all but `queued`.
        yield* sql`DELETE FROM task_outbox WHERE task_id <> ${queued.id}`
        expect(yield* reannounceUnfinished({ releaseLeases: true })).toBe(2)
        const announced = yield* sql<{ taskId: string; payload: string }>`
        SELECT task_id::text, payload FROM task_outbox ORDER BY id`
        expect(announced.map((r) => r.taskId).sort()).toEqual([queued.id, pending.id, running.id].sort())
        // The dead worker's lease is gone: another claims at once, with a new fence, counting a restart.
        const taken = Option.getOrThrow(yield* leases.claim(running.id, "w2", Duration.seconds(30)))
        expect([taken.fence, taken.restarts]).toEqual([lease.fence + 1, 1])
        expect(yield* leases.renew(lease, Duration.seconds(30)).pipe(Effect.flip)).toMatchObject({
          _tag: "LeaseLost"
        })
        // The heartbeat's one statement for many leases reads the same on PGlite.
        expect(yield* leases.renewAll([lease, taken], Duration.seconds(30))).toEqual([lease])
        expect(yield* reannounceUnfinished({ releaseLeases: false })).toBe(0)
      }).pipe(Effect.provide(Pglite))
  )
})
