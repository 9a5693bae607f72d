/**
 * GET /healthcheck on the API over real PostgreSQL reached through a proxy the test cuts: 200 `OK`, 503
 * with the database's reason within the check's timeout while PostgreSQL is unreachable (no token, no
 * configuration in the answer), 200 again once it is back without a restart.
 */
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerMemory } from "@enamel/broker"
import { Database } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer, Redacted } from "effect"
import { eventually } from "../../../test/support/poll.js"
import { tcpProxy } from "../../../test/support/tcpProxy.js"
import { HttpLive } from "../src/ApiServer.js"
import * as UserKeys from "../src/keys/UserKeys.js"
import { send, TestAuth, TestCloud } from "./harness.js"

describe("API GET /healthcheck over PostgreSQL", () => {
  layer(TestDatabase.layer, { timeout: 60_000, excludeTestServices: true })((it) => {
    it.scoped("200 OK; 503 with the database's reason while PostgreSQL is cut; 200 once it is back", () =>
      Effect.gen(function* () {
        const databaseUrl = yield* TestDatabase.TestDatabaseUrl
        const pg = yield* tcpProxy(Number(databaseUrl.port || "5432"))
        const proxied = new URL(databaseUrl)
        proxied.port = String(pg.port)
        const api = yield* Layer.build(
          HttpLive.pipe(
            Layer.provide([UserKeys.layerStatic, BrokerMemory.layer]),
            Layer.provide(Layer.provideMerge(TestAuth, TestCloud)),
            Layer.provide(Database.layerClient(Redacted.make(proxied.toString()))),
            Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
          )
        )
        const health = (path: string) => send("GET", path).pipe(Effect.provide(api))

        const ok = yield* health("/healthcheck")
        expect(ok.status).toBe(200)
        expect(ok.body).toBe("OK")
        expect(ok.headers.get("x-openstack-request-id")).toMatch(/^req-/)

        yield* pg.cut
        const started = Date.now()
        const down = yield* health("/healthcheck")
        expect(Date.now() - started).toBeLessThan(5_000)
        expect(down.status).toBe(503)
        expect(down.body).toMatch(
          /^database: PostgreSQL (refused the query or is unreachable|did not answer)/
        )
        const details = yield* health("/healthcheck?details")
        expect(details.status).toBe(503)
        expect(details.body).toMatchObject({
          status: "FAILED",
          checks: [{ name: "database", ok: false, latency_ms: expect.any(Number) }]
        })
        for (const answer of [down, details]) {
          const text = JSON.stringify(answer.body)
          for (const secret of ["postgres", "127.0.0.1", String(pg.port), databaseUrl.pathname.slice(1)])
            expect(text).not.toContain(secret)
        }

        yield* pg.restore
        yield* eventually(health("/healthcheck"), (a) => a.status === 200, {
          what: "200 once PostgreSQL is back",
          timeout: "10 seconds",
          every: "100 millis"
        })
      })
    )
  })
})
