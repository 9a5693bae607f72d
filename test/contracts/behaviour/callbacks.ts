import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { ErrorCode } from "@enamel/domain"
import { Context, Effect, Exit, Layer, Option, Scope } from "effect"
import { verify } from "../../../packages/api/src/callbacks/signature.js"
import { firstError } from "../../../packages/api/test/errorCases.js"
import { type Answer, send, tokens } from "../../../packages/api/test/harness.js"
import { captureLogs, dumpDatabase, scan } from "../../e2e/secretScan.js"
import { callbackReceiver, eventOf, type Received } from "../../support/callbackReceiver.js"
import { eventually } from "../../support/poll.js"
import type { Backend } from "./enamelBehaviour.js"

/**
 * Callbacks (`Enamel-Callback-*` headers) through the HTTP API, on each backend: a local receiver gets
 * task.ended (and stage.ended) signed, again after it answered 503 and after Enamel restarted; refused
 * addresses are refused at accept (a literal IP) and at delivery (a name that resolves to one); the secret
 * is in no log line, no database row in clear, and no answer.
 */
type Settings = ReadonlyArray<readonly [string, string]>

const quick: Settings = [
  ["ENAMEL_CALLBACK_SWEEP", "200 millis"],
  ["ENAMEL_CALLBACK_RETRY_BASE", "300 millis"]
]
const allowLoopback: Settings = [...quick, ["ENAMEL_CALLBACK_ALLOW", "127.0.0.0/8"]]

const server = (name: string) => ({
  name,
  image: "tiny",
  flavor: "m1.tiny",
  networks: [{ network: "private" }]
})

const secret = `cb-secret-${crypto.randomUUID()}`
const taskIdOf = (answer: Answer) => (answer.body as { task: { id: string } }).task.id
const codeOf = (answer: Answer) => {
  const { code, detail } = firstError(answer)
  return { code, message: detail }
}

const callbackHeaders = (url: string, more: Record<string, string> = {}) => ({
  "enamel-callback-url": url,
  "enamel-callback-secret": secret,
  ...more
})

export const callbackBehaviour = <R>(
  make: (settings: Settings) => Backend<R>,
  /** Whether two Enamels may run over one durable part at once (PostgreSQL: yes; a PGlite data dir: no). */
  options: { readonly twoAtOnce: boolean }
) =>
  describe(`callbacks on ${make([]).name}`, () => {
    const logLines: Array<string> = []

    /** Starts Enamel (logs captured); it runs until `stop`. */
    const startOn = (backend: Backend<R>) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        // Stopped at the end of the test also when it fails midway (the data dir is then free again).
        yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
        const context = yield* Layer.buildWithScope(
          backend.enamel.pipe(Layer.provide(captureLogs(logLines))),
          scope
        ).pipe(Effect.orDie)
        const http = Context.get(context, HttpServer.HttpServer)
        // The embedded process's database is its own; the servers' is the suite's.
        const sql = Context.getOption(context, SqlClient.SqlClient)
        return {
          send: (...args: Parameters<typeof send>) =>
            Effect.provideService(send(...args), HttpServer.HttpServer, http),
          sql: Option.isSome(sql) ? Option.some(sql.value) : yield* Effect.serviceOption(SqlClient.SqlClient),
          stop: Scope.close(scope, Exit.void)
        }
      })
    type Running = Effect.Effect.Success<ReturnType<typeof startOn>>

    const accept = (enamel: Running, name: string, headers: Record<string, string>) =>
      Effect.map(
        enamel.send("POST", "/servers", { token: tokens.alice, body: server(name), headers }),
        (answer) => {
          expect(answer.status).toBe(202)
          return taskIdOf(answer)
        }
      )
    const forTask = (received: ReadonlyArray<Received>, taskId: string) =>
      received.filter((r) => eventOf(r).task.id === taskId)
    const arrived = (
      received: ReadonlyArray<Received>,
      taskId: string,
      until: (mine: ReadonlyArray<Received>) => boolean,
      what: string
    ) =>
      eventually(
        Effect.sync(() => forTask(received, taskId)),
        until,
        { what, timeout: "30 seconds", every: "100 millis" }
      )
    const endedDelivered = (mine: ReadonlyArray<Received>) =>
      mine.some((r) => eventOf(r).event === "task.ended" && r.answered === 200)

    describe("with loopback allowed", () => {
      const backend = make(allowLoopback)
      const start = startOn(backend)
      layer(backend.durable, { timeout: 120_000, excludeTestServices: true })((it) => {
        it.scoped("task.ended and every stage.ended arrive, signed, with a delivery id each", () =>
          Effect.gen(function* () {
            const receiver = yield* callbackReceiver
            const enamel = yield* start
            const taskId = yield* accept(
              enamel,
              "ok-callback",
              callbackHeaders(receiver.url, { "enamel-callback-events": "stages" })
            )
            // Deliveries go out side by side: task.ended may come before a stage's.
            const mine = yield* arrived(
              receiver.received,
              taskId,
              (all) =>
                endedDelivered(all) && all.filter((r) => eventOf(r).event === "stage.ended").length >= 3,
              "task.ended and three stage.ended"
            )
            for (const r of mine) {
              expect(r.headers["content-type"]).toBe("application/json")
              expect(verify(secret, r.body, String(r.headers["enamel-signature"]))).toBe(true)
              expect(verify("another secret", r.body, String(r.headers["enamel-signature"]))).toBe(false)
            }
            const ids = mine.map((r) => r.headers["enamel-delivery-id"])
            expect(new Set(ids).size).toBe(mine.length)
            const stages = mine.map(eventOf).filter((e) => e.event === "stage.ended")
            expect(stages.map((e) => `${e.stage?.phase} ${e.stage?.stage} ${e.stage?.state}`).sort()).toEqual(
              ["run s0/step SUCCEEDED", "run s1/step SUCCEEDED", "run s2/step SUCCEEDED"]
            )
            // The task as GET /tasks/{id} shows it, without the timeline.
            const ended = mine.map(eventOf).find((e) => e.event === "task.ended")
            const shown = (yield* enamel.send("GET", `/tasks/${taskId}`, { token: tokens.alice })).body as {
              task: Record<string, unknown>
            }
            const { timeline, ...withoutTimeline } = shown.task
            expect(ended?.task).toEqual(withoutTimeline)
            expect(ended?.task.state).toBe("SUCCEEDED")
            expect(ended?.task).not.toHaveProperty("timeline")
            expect(JSON.stringify(shown)).not.toContain(secret)
            yield* enamel.stop
          })
        )

        it.scoped("without stages, only task.ended; a receiver answering 503 gets it again until 200", () =>
          Effect.gen(function* () {
            const receiver = yield* callbackReceiver
            receiver.answer(503)
            const enamel = yield* start
            const taskId = yield* accept(enamel, "ok-retried", callbackHeaders(receiver.url))
            yield* arrived(receiver.received, taskId, (mine) => mine.length >= 2, "two refused attempts")
            receiver.answer(200)
            const mine = yield* arrived(
              receiver.received,
              taskId,
              endedDelivered,
              "the delivery, answered 200"
            )
            expect(mine.every((r) => eventOf(r).event === "task.ended")).toBe(true)
            // One delivery, tried again: the same id and the same signed bytes every time.
            expect(new Set(mine.map((r) => r.headers["enamel-delivery-id"])).size).toBe(1)
            expect(new Set(mine.map((r) => r.body)).size).toBe(1)
            expect(mine.map((r) => r.answered).slice(0, 2)).toEqual([503, 503])
            expect(verify(secret, mine[0]?.body ?? "", String(mine[0]?.headers["enamel-signature"]))).toBe(
              true
            )
            yield* enamel.stop
          })
        )

        it.scoped("a delivery not yet made survives a restart of Enamel", () =>
          Effect.gen(function* () {
            const receiver = yield* callbackReceiver
            receiver.answer(503)
            const first = yield* start
            const taskId = yield* accept(first, "ok-restart", callbackHeaders(receiver.url))
            yield* arrived(receiver.received, taskId, (mine) => mine.length >= 1, "a refused attempt")
            yield* first.stop
            receiver.answer(200)
            const second = yield* start
            const mine = yield* arrived(
              receiver.received,
              taskId,
              endedDelivered,
              "the delivery after the restart"
            )
            expect(new Set(mine.map((r) => r.headers["enamel-delivery-id"])).size).toBe(1)
            yield* second.stop
          })
        )

        it.scoped.skipIf(!options.twoAtOnce)("two Enamels at once send every delivery once", () =>
          Effect.gen(function* () {
            const receiver = yield* callbackReceiver
            const [one, two] = [yield* start, yield* start]
            const ids = yield* Effect.forEach(
              Array.from({ length: 12 }, (_, i) => i),
              (i) => accept(i % 2 === 0 ? one : two, `ok-twice-${i}`, callbackHeaders(receiver.url))
            )
            for (const id of ids) yield* arrived(receiver.received, id, endedDelivered, `task.ended of ${id}`)
            // A few more sweeps of both: nothing is sent again.
            yield* Effect.sleep("1 second")
            const mine = receiver.received.filter((r) => ids.includes(eventOf(r).task.id))
            expect(mine).toHaveLength(ids.length)
            expect(new Set(mine.map((r) => r.headers["enamel-delivery-id"])).size).toBe(ids.length)
            yield* one.stop
            yield* two.stop
          })
        )

        it.scoped("refuses a bad callback at accept, naming why, and makes no task", () =>
          Effect.gen(function* () {
            const enamel = yield* start
            const refused = (headers: Record<string, string>) =>
              enamel.send("POST", "/servers", { token: tokens.alice, body: server("ok-refused"), headers })
            const linkLocal = yield* refused(callbackHeaders("http://169.254.169.254/latest/meta-data"))
            expect(linkLocal.status).toBe(400)
            expect(codeOf(linkLocal).code).toBe(ErrorCode.callbackUrlNotAllowed)
            expect(codeOf(linkLocal).message).toContain("link-local")
            const privateV6 = yield* refused(callbackHeaders("http://[fd00::1]:8080/"))
            expect(codeOf(privateV6).code).toBe(ErrorCode.callbackUrlNotAllowed)
            const notHttp = yield* refused(callbackHeaders("ftp://example.com/"))
            expect(codeOf(notHttp).code).toBe(ErrorCode.callbackUrlNotAllowed)
            const noSecret = yield* refused({ "enamel-callback-url": "https://example.com/hook" })
            expect(noSecret.status).toBe(400)
            expect(codeOf(noSecret).message).toContain("Enamel-Callback-Secret")
            const noUrl = yield* refused({ "enamel-callback-secret": secret })
            expect(codeOf(noUrl).message).toContain("Enamel-Callback-URL")
            const badEvents = yield* refused(
              callbackHeaders("https://example.com/hook", { "enamel-callback-events": "everything" })
            )
            expect(badEvents.status).toBe(400)
            expect(codeOf(badEvents).code).toBe(ErrorCode.requestInvalid)
            const listed = yield* enamel.send("GET", "/tasks?state=all", { token: tokens.alice })
            const names = (listed.body as { tasks: ReadonlyArray<{ params: { name?: string } }> }).tasks.map(
              (t) => t.params.name
            )
            expect(names).not.toContain("ok-refused")
            yield* enamel.stop
          })
        )

        it.scoped("the secret is in no log line and no database row", () =>
          Effect.gen(function* () {
            const enamel = yield* start
            const sinks: Record<string, ReadonlyArray<string>> = { logs: logLines }
            if (Option.isSome(enamel.sql)) {
              const dump = yield* Effect.provideService(dumpDatabase, SqlClient.SqlClient, enamel.sql.value)
              expect(dump.tables).toContain("task_callbacks")
              expect(dump.rows.some((row) => row.startsWith("task_callbacks:"))).toBe(true)
              sinks.database = dump.rows
            }
            expect(logLines.length).toBeGreaterThan(0)
            expect(scan(sinks, { secret })).toEqual([])
            yield* enamel.stop
          })
        )
      })
    })

    describe("with nothing allowed", () => {
      const backend = make(quick)
      const start = startOn(backend)
      layer(backend.durable, { timeout: 120_000, excludeTestServices: true })((it) => {
        it.scoped("a name that resolves to a refused address is refused at delivery, and not retried", () =>
          Effect.gen(function* () {
            const receiver = yield* callbackReceiver
            const enamel = yield* start
            const literal = yield* enamel.send("POST", "/servers", {
              token: tokens.alice,
              body: server("ok-literal"),
              headers: callbackHeaders(receiver.url)
            })
            expect(codeOf(literal).code).toBe(ErrorCode.callbackUrlNotAllowed)
            expect(codeOf(literal).message).toContain("loopback")
            // A name is not checked at accept: DNS may answer otherwise at delivery.
            const taskId = yield* accept(
              enamel,
              "ok-by-name",
              callbackHeaders(`http://localhost:${receiver.port}/hook`)
            )
            yield* eventually(
              Effect.sync(() =>
                logLines.filter((line) => line.includes(taskId) && line.includes("loopback"))
              ),
              (lines) => lines.length > 0,
              { what: "the refusal logged", timeout: "30 seconds" }
            )
            if (Option.isSome(enamel.sql)) {
              const rows = yield* eventually(
                Effect.provideService(
                  Effect.flatMap(
                    SqlClient.SqlClient,
                    (sql) =>
                      sql<{ state: string; attempts: number; lastError: string }>`
                      SELECT state, attempts, last_error FROM callback_deliveries WHERE task_id = ${taskId}`
                  ),
                  SqlClient.SqlClient,
                  enamel.sql.value
                ),
                (found) => found.length > 0 && found.every((r) => r.state !== "pending"),
                { what: "the refusal recorded" }
              )
              expect(rows.map((r) => [r.state, r.attempts])).toEqual([["refused", 1]])
              expect(rows[0]?.lastError).toContain("loopback")
            }
            expect(receiver.received).toEqual([])
            yield* enamel.stop
          })
        )
      })
    })
  })
