/**
 * GET /healthcheck on the API over PGlite (as the embedded process serves it): `OK`, `?details` with each
 * check's latency, the disable file, no token needed, not in /openapi.json; and the answer's shapes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it, layer } from "@effect/vitest"
import { Health } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer } from "effect"
import { send, testApi } from "./harness.js"

const dir = mkdtempSync(join(tmpdir(), "enamel-health-"))
const disableFile = join(dir, "drain")

// The harness's config provider falls back to the environment: the setting is read when the API starts.
const Api = Layer.provide(
  testApi(TestDatabase.layerPglite),
  Layer.scopedDiscard(
    Effect.acquireRelease(
      Effect.sync(() => {
        process.env.ENAMEL_HEALTHCHECK_DISABLE_FILE = disableFile
      }),
      () => Effect.sync(() => delete process.env.ENAMEL_HEALTHCHECK_DISABLE_FILE)
    )
  )
)

describe("GET /healthcheck (API, PGlite)", () => {
  layer(Api, { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("200 OK in plain text without a token; ?details lists the database check and its latency", () =>
      Effect.gen(function* () {
        const ok = yield* send("GET", "/healthcheck")
        expect(ok.status).toBe(200)
        expect(ok.body).toBe("OK")
        expect(ok.headers.get("content-type")).toContain("text/plain")
        const details = yield* send("GET", "/healthcheck?details")
        expect(details.status).toBe(200)
        expect(details.body).toEqual({
          status: "OK",
          checks: [{ name: "database", ok: true, latency_ms: expect.any(Number) }]
        })
        const head = yield* send("HEAD", "/healthcheck")
        expect([head.status, head.body]).toEqual([200, ""])
        const openapi = yield* send("GET", "/openapi.json")
        expect(Object.keys((openapi.body as { paths: object }).paths)).not.toContain("/healthcheck")
      })
    )

    it.effect("503 DISABLED BY FILE while the disable file exists, 200 again once it is gone", () =>
      Effect.gen(function* () {
        writeFileSync(disableFile, "")
        const disabled = yield* send("GET", "/healthcheck")
        expect(disabled.status).toBe(503)
        expect(disabled.body).toBe("DISABLED BY FILE")
        const details = yield* send("GET", "/healthcheck?details")
        expect(details.status).toBe(503)
        expect(details.body).toMatchObject({ status: "DISABLED", checks: [{ name: "database", ok: true }] })
        expect(JSON.stringify(details.body)).not.toContain(dir)
        rmSync(disableFile)
        expect((yield* send("GET", "/healthcheck")).status).toBe(200)
      })
    )
  })
})

describe("Health", () => {
  const failing: Health.Check = { name: "database", run: Effect.fail("PostgreSQL did not answer within 2s") }
  const passing: Health.Check = { name: "rabbitmq", run: Effect.void }

  it.effect("a failed check: FAILED with its reason; the plain answer is one reason a line", () =>
    Effect.gen(function* () {
      const report = yield* Health.evaluate([failing, passing])
      expect(report.status).toBe("FAILED")
      expect(report.checks.map((c) => [c.name, c.ok, c.reason])).toEqual([
        ["database", false, "PostgreSQL did not answer within 2s"],
        ["rabbitmq", true, undefined]
      ])
      const plain = Health.respond(report, false)
      expect(plain.status).toBe(503)
      expect(plain.body._tag === "Uint8Array" && new TextDecoder().decode(plain.body.body)).toBe(
        "database: PostgreSQL did not answer within 2s"
      )
    })
  )

  it("details=false and details=0 mean the plain answer", () => {
    expect(Health.respond({ status: "OK", checks: [] }, true).status).toBe(200)
    expect(Health.respond({ status: "FAILED", checks: [] }, true).status).toBe(503)
  })
})
