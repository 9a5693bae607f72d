/**
 * `GET /metrics` on the API: Prometheus text, no token needed, counting what the API does (requests,
 * accepted tasks by type) and reading the outbox at scrape time.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { server } from "./errorCases.js"
import { send, TestApi, tokens } from "./harness.js"

/** The value of one sample line (`name{labels} value`), 0 when the line is not there yet. */
const sampleOf = (text: string, series: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

const scrape = Effect.gen(function* () {
  const answer = yield* send("GET", "/metrics")
  expect(answer.status).toBe(200)
  expect(answer.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8")
  return String(answer.body)
})

describe("API metrics", () => {
  layer(TestApi, { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect(
      "a POST /servers shows as one more accepted server.create, and the outbox is read per scrape",
      () =>
        Effect.gen(function* () {
          // Counters are per process and test files share one: compare before and after.
          const before = yield* scrape
          const accepted = 'enamel_tasks_accepted_total{type="server.create"}'
          const posted = 'enamel_api_requests_total{method="POST",status="202"}'

          const answer = yield* send("POST", "/servers", { token: tokens.alice, body: server })
          expect(answer.status).toBe(202)
          // A repeated Idempotency-Key is no new task: not counted again.
          const key = { "idempotency-key": crypto.randomUUID() }
          expect(
            (yield* send("POST", "/servers", { token: tokens.alice, body: server, headers: key })).status
          ).toBe(202)
          expect(
            (yield* send("POST", "/servers", { token: tokens.alice, body: server, headers: key })).status
          ).toBe(202)
          // Refused: not accepted, but a request all the same.
          expect((yield* send("POST", "/servers", { body: server })).status).toBe(401)

          const after = yield* scrape
          expect(sampleOf(after, accepted) - sampleOf(before, accepted)).toBe(2)
          expect(sampleOf(after, posted) - sampleOf(before, posted)).toBe(3)
          expect(
            sampleOf(after, 'enamel_api_requests_total{method="POST",status="401"}')
          ).toBeGreaterThanOrEqual(1)
          expect(after).toContain("# TYPE enamel_tasks_accepted_total counter")
          expect(after).toContain("# TYPE enamel_outbox_depth gauge")
          expect(after).toMatch(/^enamel_outbox_depth \d+$/m)
          expect(after).toMatch(/^enamel_outbox_oldest_age_seconds [0-9.e+-]+$/m)
          // Labels are bounded: no task id, user or project appears in the text.
          const taskId = (answer.body as { task: { id: string; project_id: string } }).task
          expect(after).not.toContain(taskId.id)
          expect(after).not.toContain(taskId.project_id)
        })
    )
  })
})
