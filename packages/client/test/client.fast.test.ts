/**
 * The client against a real Enamel (API and worker in one process, on in-memory layers): typed calls
 * derived from the contract, a task followed to its end, the API's errors with their code, detail and
 * request id, one new token on a 401, Enamel found through ENAMEL_URL or the service catalog; and a
 * task's events through a proxy that breaks them: a cut stream resumed with Last-Event-ID, missing and
 * repeating nothing, and the task polled once the stream keeps failing.
 */
import { inspect } from "node:util"
import { describe, expect, layer } from "@effect/vitest"
import { EnamelClient, type EnamelClientError, type TaskEvent } from "@enamel/client"
import { ErrorCode } from "@enamel/domain"
import { Session } from "@enamel/openstack-clients"
import { Chunk, ConfigProvider, Effect, Ref, Stream } from "effect"
import {
  apiUrl,
  catalogWith,
  closedPortUrl,
  EnamelInMemory,
  type TestSession,
  testSession,
  tokens
} from "./support/enamel.js"
import { type EventsPlan, eventsProxy } from "./support/eventsProxy.js"

/** `POST /servers` of one server; the stand-in flow reads only the name (`slow-*`: eight steps of 250 ms). */
const servers = (name: string) => ({
  name,
  count: 1,
  image: "tiny",
  flavor: "m1.tiny",
  networks: [{ network: "private" }],
  priority: 5
})

/** Settings with no ENAMEL_URL, whatever the environment of the test run has. */
const noSettings = ConfigProvider.fromMap(new Map())

const clientFor = (test: TestSession, url?: string) =>
  EnamelClient.make(url === undefined ? {} : { url }).pipe(
    Effect.provideService(Session, test.session),
    Effect.withConfigProvider(noSettings)
  )

const aliceClient = Effect.gen(function* () {
  const alice = yield* testSession([tokens.alice])
  return yield* clientFor(alice, yield* apiUrl)
})

/** The error a call failed with. */
const failure = <A>(effect: Effect.Effect<A, EnamelClientError>) => Effect.flip(effect)

/** Every way an error could be printed or logged, to look for a token in. */
const printed = (error: unknown) =>
  `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 9 })}`

/** Alice's client through a proxy that treats event streams as `plans` say. */
const clientThrough = (plans: ReadonlyArray<EventsPlan>) =>
  Effect.gen(function* () {
    const proxy = yield* eventsProxy(yield* apiUrl, plans)
    const alice = yield* testSession([tokens.alice])
    return { proxy, client: yield* clientFor(alice, proxy.url) }
  })

const stagesOf = (events: ReadonlyArray<TaskEvent>) => events.flatMap((e) => (e._tag === "Stage" ? [e] : []))

// One Enamel for every test here: building it (PGlite, migrations) is most of the file's time.
layer(EnamelInMemory, { timeout: 60_000, excludeTestServices: true })((it) => {
  describe("EnamelClient", () => {
    it.effect("creates servers with the typed call and waits for the task, seeing each event once", () =>
      Effect.gen(function* () {
        const client = yield* aliceClient
        const versions = yield* client.api.versions.versions()
        expect(versions.versions[0]?.task_types.map((t) => t.type)).toContain("server.create")
        expect(versions.versions[0]?.links).toEqual([
          { rel: "self", href: `${client.url}/` },
          { rel: "describedby", href: `${client.url}/openapi.json` }
        ])
        // The versions document needs no token (a client reads it before it has one).
        const anonymous = yield* Effect.promise(() => fetch(`${client.url}/`))
        expect(anonymous.status).toBe(200)

        const { task } = yield* client.api.porcelain.createServers({ payload: servers("web"), headers: {} })
        expect(task).toMatchObject({ type: "server.create", state: "PENDING" })
        const events = yield* Ref.make<ReadonlyArray<TaskEvent>>([])
        const ended = yield* client.waitForTask(task.id, {
          onEvent: (event) => Ref.update(events, (all) => [...all, event])
        })

        expect(ended.state).toBe("SUCCEEDED")
        expect(ended.result).toEqual(["s0/step", "s1/step", "s2/step"])
        const seen = yield* Ref.get(events)
        const stages = seen.flatMap((e) => (e._tag === "Stage" ? [e] : []))
        const seqs = stages.map((e) => e.seq)
        expect(seqs.every((seq) => typeof seq === "number")).toBe(true)
        expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => (a ?? 0) - (b ?? 0)))
        // Each entry's last event is the state the timeline ends with; the ended task comes last.
        const lastState = new Map(stages.map((e) => [`${e.entry.phase} ${e.entry.stage}`, e.entry.state]))
        for (const entry of ended.timeline) {
          expect([entry.stage, lastState.get(`${entry.phase} ${entry.stage}`)]).toEqual([
            entry.stage,
            entry.state
          ])
        }
        expect(seen.at(-1)).toMatchObject({ _tag: "Task", task: { id: task.id, state: "SUCCEEDED" } })
      })
    )

    it.effect("answers the API's errors typed, with their code, detail and request id, and no token", () =>
      Effect.gen(function* () {
        const client = yield* aliceClient
        const missing = crypto.randomUUID()
        const notFound = yield* failure(client.api.tasks.getTask({ path: { id: missing }, urlParams: {} }))
        expect(notFound).toMatchObject({
          _tag: "EnamelApiError",
          status: 404,
          code: ErrorCode.taskNotFound
        })
        if (notFound._tag !== "EnamelApiError") return
        expect(notFound.detail).toContain(missing)
        expect(notFound.requestId).toMatch(/^req-[0-9a-f-]{36}$/)

        const key = { "idempotency-key": crypto.randomUUID() }
        yield* client.api.porcelain.createServers({ payload: servers("keyed"), headers: key })
        const conflict = yield* failure(
          client.api.porcelain.createServers({ payload: servers("other"), headers: key })
        )
        expect(conflict).toMatchObject({ status: 409, code: ErrorCode.taskIdempotencyConflict })

        const someoneElses = crypto.randomUUID()
        const refused = yield* failure(
          client.api.porcelain.deleteServer({ path: { id: someoneElses }, urlParams: {}, headers: {} })
        )
        expect(refused).toMatchObject({ status: 404, code: ErrorCode.serverNotFound })

        // What the contract refuses is not sent: the field is named, its value is not repeated.
        const invalid = yield* failure(
          client.api.porcelain.createServers({
            payload: { ...servers("too-many"), count: 50, user_data: "password=hunter2" },
            headers: {}
          })
        )
        expect(invalid._tag).toBe("EnamelInvalidRequest")
        expect(invalid.message).toContain("count")
        expect(printed(invalid)).not.toContain("hunter2")

        const closed = yield* testSession([tokens.alice])
        const closedUrl = yield* closedPortUrl
        const nowhere = yield* clientFor(closed, closedUrl)
        const unreachable = yield* failure(nowhere.api.tasks.listTasks({ urlParams: {} }))
        expect(unreachable).toMatchObject({ _tag: "EnamelUnreachable", url: closedUrl })
        expect(unreachable.message).toContain("ECONNREFUSED")

        for (const error of [notFound, conflict, refused, invalid, unreachable]) {
          expect(printed(error)).not.toContain(tokens.alice)
        }
      })
    )

    it.effect("takes a new token once when Enamel answers 401, and gives up after that one", () =>
      Effect.gen(function* () {
        const url = yield* apiUrl
        const renewed = yield* testSession(["token-expired-secret", tokens.alice])
        const client = yield* clientFor(renewed, url)
        const listed = yield* client.api.tasks.listTasks({ urlParams: { state: "all" } })
        expect(Array.isArray(listed.tasks)).toBe(true)
        expect(yield* renewed.reauthentications).toBe(1)
        yield* client.api.tasks.listTasks({ urlParams: {} })
        expect(yield* renewed.reauthentications).toBe(1)

        const revoked = yield* testSession(["token-revoked-secret", "token-also-revoked-secret"])
        const refused = yield* failure(
          (yield* clientFor(revoked, url)).api.tasks.listTasks({ urlParams: {} })
        )
        expect(refused).toMatchObject({
          _tag: "EnamelApiError",
          status: 401,
          code: ErrorCode.authInvalidToken
        })
        expect(yield* revoked.reauthentications).toBe(1)
        expect(printed(refused)).not.toContain("revoked-secret")
      })
    )

    it.effect(
      "finds Enamel through ENAMEL_URL, else the catalog's porcelain endpoint, else says how to fix it",
      () =>
        Effect.gen(function* () {
          const url = yield* apiUrl
          const listed = yield* testSession([tokens.alice], catalogWith(`${url}/`))
          const fromCatalog = yield* clientFor(listed)
          expect(fromCatalog.url).toBe(url)
          yield* fromCatalog.api.tasks.listTasks({ urlParams: {} })

          const elsewhere = yield* testSession([tokens.alice], catalogWith("http://127.0.0.1:9"))
          const configured = yield* EnamelClient.make().pipe(
            Effect.provideService(Session, elsewhere.session),
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["ENAMEL_URL", url]])))
          )
          expect(configured.url).toBe(url)
          yield* configured.api.tasks.listTasks({ urlParams: {} })

          const unlisted = yield* testSession([tokens.alice], [])
          const missing = yield* Effect.flip(clientFor(unlisted))
          expect(missing._tag).toBe("EnamelEndpointNotFound")
          expect(missing.message).toContain("porcelain")
          expect(missing.message).toContain("ENAMEL_URL")
          expect(missing.message).toContain("openstack service create --name enamel porcelain")
        })
    )
  })

  describe("EnamelClient's task events", () => {
    it.scoped("events: one connection's events, from a seq on, ending with the task", () =>
      Effect.gen(function* () {
        const { client } = yield* clientThrough([{ pass: true }])
        const { task } = yield* client.api.porcelain.createServers({
          payload: servers("slow-stream"),
          headers: {}
        })
        const all = Chunk.toReadonlyArray(yield* Stream.runCollect(client.events(task.id)))
        expect(all.at(-1)).toMatchObject({ _tag: "Task", task: { id: task.id, state: "SUCCEEDED" } })
        const seqs = stagesOf(all).map((e) => e.seq ?? -1)
        expect(seqs.length).toBeGreaterThan(8)
        // Read again from a seq on, once the task ended: the entries written after it, each in its last
        // state (an entry's later write replaces its earlier one, with a new seq).
        const from = seqs[3] ?? 0
        const after = Chunk.toReadonlyArray(yield* Stream.runCollect(client.events(task.id, from)))
        const again = stagesOf(after).map((e) => e.seq ?? -1)
        expect(again.length).toBeGreaterThan(0)
        expect(again).toEqual([...again].sort((a, b) => a - b))
        for (const seq of again) {
          expect(seq).toBeGreaterThan(from)
          expect(seqs).toContain(seq)
        }
        expect(stagesOf(after).every((e) => e.entry.state === "SUCCEEDED")).toBe(true)
        expect(after.at(-1)?._tag).toBe("Task")
      })
    )

    it.scoped("events: a stream cut before the task event fails EnamelUnreachable", () =>
      Effect.gen(function* () {
        const { client } = yield* clientThrough([{ cutAfterStages: 1 }])
        const { task } = yield* client.api.porcelain.createServers({
          payload: servers("slow-cut"),
          headers: {}
        })
        const error = yield* Effect.flip(Stream.runDrain(client.events(task.id)))
        expect(error._tag).toBe("EnamelUnreachable")
      })
    )

    it.scoped(
      "waitForTask: a cut stream is resumed with Last-Event-ID, nothing missed or repeated, then polled",
      () =>
        Effect.gen(function* () {
          const { proxy, client } = yield* clientThrough([
            { cutAfterStages: 1 },
            { cutAfterStages: 1 },
            { status: 502 }
          ])
          const { task } = yield* client.api.porcelain.createServers({
            payload: servers("slow-web"),
            headers: {}
          })
          const events = yield* Ref.make<ReadonlyArray<TaskEvent>>([])
          const ended = yield* client.waitForTask(task.id, {
            onEvent: (event) => Ref.update(events, (all) => [...all, event])
          })
          expect(ended.state).toBe("SUCCEEDED")
          expect(ended.result).toHaveLength(8)

          const seen = yield* Ref.get(events)
          const streamed = stagesOf(seen).flatMap((e) => (e.seq === null ? [] : [e.seq]))
          const polled = stagesOf(seen).filter((e) => e.seq === null)
          // One stage event from each cut connection, each resumed after the last one delivered.
          expect(streamed).toHaveLength(2)
          const streams = proxy.seen().filter((r) => r.path.endsWith("/events"))
          expect(streams.map((r) => r.lastEventId)).toEqual([
            undefined,
            String(streamed[0]),
            String(streamed[1]),
            String(streamed[1])
          ])
          // Then the task was read, each read held by the server (`?wait=`) until it ended: its entries'
          // later states came from there.
          const reads = proxy
            .seen()
            .filter((r) => r.method === "GET" && r.path.split("?")[0] === `/tasks/${task.id}`)
          expect(reads.length).toBeGreaterThan(0)
          expect(reads.map((r) => r.path)).toEqual(reads.map(() => `/tasks/${task.id}?wait=30`))
          expect(polled.length).toBeGreaterThan(0)

          // Nothing repeated: no entry delivered twice in the same state; nothing missed: each entry's
          // last delivered state is the one the task ended with.
          const delivered = stagesOf(seen).map((e) => `${e.entry.phase} ${e.entry.stage} ${e.entry.state}`)
          expect(delivered).toEqual([...new Set(delivered)])
          const last = new Map(
            stagesOf(seen).map((e) => [`${e.entry.phase} ${e.entry.stage}`, e.entry.state])
          )
          expect(ended.timeline.map((e) => [e.stage, last.get(`${e.phase} ${e.stage}`)])).toEqual(
            ended.timeline.map((e) => [e.stage, e.state])
          )
          expect(seen.at(-1)).toMatchObject({ _tag: "Task", task: { id: task.id, state: "SUCCEEDED" } })
        })
    )
  })
})
