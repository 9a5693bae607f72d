/**
 * `/admin/topics` and `/admin/drain` over in-memory services (PGlite, static tokens): the admin reads and
 * changes the fleet's desired settings and sees what live workers reported; members get 403. The error
 * answers are rows of the error table (`errorCases.ts`); the workers' side is the worker's tests.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { ErrorCode } from "@enamel/domain"
import type { Admin } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { TOPIC_SETTINGS_CHANNEL, TopicSettings } from "@enamel/persistence"
import { Duration, Effect, Fiber, Layer, Stream } from "effect"
import { eventually } from "../../../test/support/poll.js"
import { firstError } from "./errorCases.js"
import { type Answer, send, TestApi, TestCallers, tokens } from "./harness.js"

const topicsOf = (answer: Answer) => (answer.body as { topics: ReadonlyArray<Admin.TopicView> }).topics
const topicOf = (answer: Answer) => (answer.body as { topic: Admin.TopicView }).topic
const byName = (answer: Answer) => new Map(topicsOf(answer).map((t) => [t.topic, t]))

describe("the admin API", () => {
  layer(Layer.provideMerge(TopicSettings.Default, TestApi), { timeout: 30_000, excludeTestServices: true })(
    (it) => {
      it.effect("lists every task type of the registry at its command's default until one is stored", () =>
        Effect.gen(function* () {
          const answer = yield* send("GET", "/admin/topics", { token: tokens.admin })
          expect(answer.status).toBe(200)
          expect(topicsOf(answer)).toEqual(
            registry.commands.map((c) => ({
              topic: c.type,
              desired: { concurrency: c.concurrency, paused: false, updated_at: null, updated_by: null },
              workers: []
            }))
          )
        })
      )

      it.effect("a member gets 403 for every admin call, and nothing changes", () =>
        Effect.gen(function* () {
          const calls = [
            send("GET", "/admin/topics", { token: tokens.alice }),
            send("PATCH", "/admin/topics/server.create", { token: tokens.alice, body: { paused: true } }),
            send("POST", "/admin/drain", { token: tokens.bob })
          ]
          for (const call of calls) {
            const answer = yield* call
            expect([answer.status, firstError(answer).code]).toEqual([403, ErrorCode.policyForbidden])
          }
          const after = byName(yield* send("GET", "/admin/topics", { token: tokens.admin }))
          expect(after.get("server.create")?.desired).toMatchObject({ paused: false, updated_at: null })
        })
      )

      it.effect("PATCH stores the fields given, keeps the others, and answers the topic's new view", () =>
        Effect.gen(function* () {
          const { admin } = yield* TestCallers
          const tuned = yield* send("PATCH", "/admin/topics/server.create", {
            token: tokens.admin,
            body: { concurrency: 7 }
          })
          expect(tuned.status).toBe(200)
          expect(topicOf(tuned)).toMatchObject({
            topic: "server.create",
            desired: { concurrency: 7, paused: false, updated_by: `user:${admin.userId}` },
            workers: []
          })
          const paused = topicOf(
            yield* send("PATCH", "/admin/topics/server.create", {
              token: tokens.admin,
              body: { paused: true }
            })
          )
          expect(paused.desired).toMatchObject({ concurrency: 7, paused: true })
          expect(Date.parse(paused.desired.updated_at ?? "")).toBeGreaterThan(Date.now() - 60_000)
          // An empty change keeps everything (and makes every worker apply the stored setting again).
          const again = topicOf(
            yield* send("PATCH", "/admin/topics/server.create", { token: tokens.admin, body: {} })
          )
          expect(again.desired).toMatchObject({ concurrency: 7, paused: true })
          const listed = byName(yield* send("GET", "/admin/topics", { token: tokens.admin }))
          expect(listed.get("server.create")?.desired).toEqual(again.desired)
          // The other topic is untouched: still its default, nothing stored.
          expect(listed.get("server.delete")?.desired.updated_at).toBeNull()
          yield* send("PATCH", "/admin/topics/server.create", {
            token: tokens.admin,
            body: { paused: false }
          })
        })
      )

      it.effect(
        "shows each live worker's heartbeat under its topic; a stale one and unknown topics are not shown",
        () =>
          Effect.gen(function* () {
            const store = yield* TopicSettings
            const live = Duration.minutes(1)
            yield* store.beat(
              "worker-a",
              [
                { topic: "server.create", concurrency: 7, running: 3, paused: false },
                { topic: "server.delete", concurrency: 2, running: 0, paused: true },
                { topic: "test.elsewhere", concurrency: 1, running: 1, paused: false }
              ],
              live
            )
            yield* store.beat(
              "worker-b",
              [{ topic: "server.create", concurrency: 5, running: 5, paused: false }],
              live
            )
            yield* store.beat(
              "worker-gone",
              [{ topic: "server.create", concurrency: 1, running: 0, paused: false }],
              Duration.zero
            )
            const answer = yield* send("GET", "/admin/topics", { token: tokens.admin })
            const topics = byName(answer)
            expect([...topics.keys()]).toEqual(registry.commands.map((c) => c.type))
            expect(topics.get("server.create")?.workers.map(({ last_heartbeat: _, ...w }) => w)).toEqual([
              { id: "worker-a", concurrency: 7, running: 3, paused: false },
              { id: "worker-b", concurrency: 5, running: 5, paused: false }
            ])
            expect(topics.get("server.delete")?.workers).toMatchObject([{ id: "worker-a", paused: true }])
            const beat = topics.get("server.create")?.workers[0]?.last_heartbeat ?? ""
            expect(Date.now() - Date.parse(beat)).toBeLessThan(60_000)
            yield* store.forget("worker-a")
            yield* store.forget("worker-b")
          })
      )

      it.effect(
        "POST /admin/drain pauses every topic at once, keeps their concurrency, and wakes the workers",
        () =>
          Effect.gen(function* () {
            const store = yield* TopicSettings
            const sql = yield* SqlClient.SqlClient
            const wake = yield* Effect.fork(
              store.changes.pipe(Stream.take(registry.commands.length), Stream.runCollect)
            )
            // PGlite is one session: once it listens on the channel, a NOTIFY committed from now on is heard.
            yield* eventually(
              sql<{ channel: string }>`SELECT pg_listening_channels() AS channel`,
              (rows) => rows.some((row) => row.channel === TOPIC_SETTINGS_CHANNEL),
              { what: "the API's database to listen for topic settings" }
            )
            const answer = yield* send("POST", "/admin/drain", { token: tokens.admin })
            expect(answer.status).toBe(202)
            const drained = byName(answer)
            expect(drained.get("server.create")?.desired).toMatchObject({ concurrency: 7, paused: true })
            expect(drained.get("server.delete")?.desired).toMatchObject({ concurrency: 2, paused: true })
            expect([...(yield* Fiber.join(wake))].sort()).toEqual(registry.commands.map((c) => c.type).sort())
          })
      )
    }
  )
})
