import { Reactivity } from "@effect/experimental"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Database, purgeEndedTasks, TaskStore } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Deferred, Duration, Effect, Fiber, Layer, Option, Redacted } from "effect"
import { newTask } from "./support/newTask.js"
import { taskHistoryContract } from "./support/taskHistoryContract.js"

taskHistoryContract("PostgreSQL server", TestDatabase.layer)

describe("retention runs one purger at a time (PostgreSQL server)", () => {
  it.layer(Layer.provideMerge(TaskStore.Default, TestDatabase.layer), { timeout: 60_000 })((it) => {
    it.effect("a purge finds another one running (holding the lock) and leaves the work to it", () =>
      Effect.scoped(
        Effect.gen(function* () {
          const store = yield* TaskStore
          const sql = yield* PgClient.PgClient
          const { task } = yield* store.create(newTask())
          yield* sql`UPDATE tasks SET state = 'CANCELLED', ended_at = now() - interval '40 days' WHERE id = ${task.id}`
          // Another process's purger, on a connection of its own, holds the lock in its transaction.
          const url = yield* TestDatabase.TestDatabaseUrl
          const other = yield* PgClient.make(Database.clientConfig(Redacted.make(url.toString())))
          const holding = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const holder = yield* Effect.fork(
            other.withTransaction(
              Effect.gen(function* () {
                yield* other`SELECT pg_advisory_xact_lock(hashtext('enamel.task_retention'))`
                yield* Deferred.succeed(holding, undefined)
                yield* Deferred.await(release)
              })
            )
          )
          yield* Deferred.await(holding)
          expect(yield* purgeEndedTasks(Duration.days(30))).toEqual(Option.none())
          expect(Option.isSome(yield* store.get(task.id))).toBe(true)
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(holder)
          expect(Option.getOrElse(yield* purgeEndedTasks(Duration.days(30)), () => 0)).toBeGreaterThanOrEqual(
            1
          )
          expect(Option.isNone(yield* store.get(task.id))).toBe(true)
        })
      ).pipe(Effect.provide(Reactivity.layer))
    )
  })
})
