/**
 * The timeline page's server side over in-memory services (PGlite, the cloud double's Keystone): its
 * files from Enamel itself (no other origin), and the sign-in (in the contract) that passes a name, password and project
 * to Keystone once and answers the token. The page in a browser is `test/e2e/timeline.test.ts`.
 */
import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerMemory } from "@enamel/broker"
import { ErrorCode } from "@enamel/domain"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Effect, Layer } from "effect"
import { HttpLive } from "../src/ApiServer.js"
import * as UserKeys from "../src/keys/UserKeys.js"
import { assets } from "../src/ui/routes.js"
import { attemptsPerWindow } from "../src/ui/signIn.js"
import { type Answer, send, TestAuth, TestCloud } from "./harness.js"

/** As the harness's TestApi, with Enamel's service session (the API's: Keystone's URL comes from it). */
const UiApi = () =>
  HttpLive.pipe(
    Layer.provide([UserKeys.layerStatic, BrokerMemory.layer]),
    Layer.provide(
      Layer.setConfigProvider(
        ConfigProvider.fromMap(new Map([["ENAMEL_ACCESS_LOG", "false"]])).pipe(
          ConfigProvider.orElse(() => ConfigProvider.fromEnv())
        )
      )
    ),
    Layer.provideMerge(TestAuth),
    Layer.provide(CloudDouble.sessionLayer("enamel")),
    Layer.provideMerge(TestCloud),
    Layer.provideMerge(TestDatabase.layerPglite),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )

const errorOf = (answer: Answer) =>
  (answer.body as { errors: ReadonlyArray<{ code: string; status: number; request_id: string }> }).errors[0]

/** A GET that does not follow a redirect (the harness's `send` does). */
const withoutFollowing = (path: string) =>
  Effect.flatMap(HttpServer.HttpServer, (server) =>
    Effect.promise(() =>
      fetch(`http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}${path}`, {
        redirect: "manual"
      })
    )
  )

const signIn = (body: unknown) => send("POST", "/ui/sign-in", { body })

describe("the timeline page", () => {
  layer(UiApi(), { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("GET /ui/ is the page, without a token, loading only Enamel's own files", () =>
      Effect.gen(function* () {
        const page = yield* send("GET", "/ui/")
        expect(page.status).toBe(200)
        expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
        expect(page.headers.get("content-security-policy")).toContain("default-src 'none'")
        expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'")
        expect(String(page.body)).toContain('<script type="module" src="/ui/app.js"></script>')
        const moved = yield* withoutFollowing("/ui")
        expect([moved.status, moved.headers.get("location")]).toEqual([301, "/ui/"])
        for (const [name, type] of Object.entries(assets)) {
          const file = yield* send("GET", `/ui/${name}`)
          expect([name, file.status, file.headers.get("content-type")]).toEqual([name, 200, type])
          // Nothing from another origin: the SVG namespace is a name, not a fetch.
          const text = String(file.body).replaceAll("http://www.w3.org/2000/svg", "")
          expect([name, /https?:\/\//.test(text)]).toEqual([name, false])
        }
      })
    )

    it.effect("a name that is not one of the page's files is 404; no path reaches the disk", () =>
      Effect.gen(function* () {
        for (const path of ["/ui/nope.js", "/ui/..%2Fpackage.json", "/ui/%2e%2e/src/ui/routes.ts"]) {
          const answer = yield* send("GET", path)
          expect([path, answer.status]).toEqual([path, 404])
        }
      })
    )

    it.effect("POST /ui/sign-in passes the credentials to Keystone once and answers its token", () =>
      Effect.gen(function* () {
        const answer = yield* signIn({ username: "alice", password: "alice", project: "alpha" })
        expect(answer.status).toBe(201)
        expect(answer.headers.get("cache-control")).toBe("no-store")
        const { token } = answer.body as {
          token: { id: string; expires_at: string; user: { name: string }; project: { name: string } }
        }
        expect(token.id.length).toBeGreaterThan(10)
        expect(Date.parse(token.expires_at)).toBeGreaterThan(Date.now())
        expect([token.user.name, token.project.name]).toEqual(["alice", "alpha"])
        const cloud = yield* CloudDouble.CloudDouble
        const asked = (yield* cloud.calls).filter((c) => c.path === "/auth/tokens" && c.method === "POST")
        expect(asked.length).toBeGreaterThan(0)
      })
    )

    it.effect("a wrong password or a project the user is not in is 401 in OpenStack's error format", () =>
      Effect.gen(function* () {
        for (const body of [
          { username: "alice", password: "wrong", project: "alpha" },
          { username: "alice", password: "alice", project: "beta", domain: "Default" }
        ]) {
          const answer = yield* signIn(body)
          expect(answer.status).toBe(401)
          expect(errorOf(answer)).toMatchObject({ code: ErrorCode.authInvalidCredentials, status: 401 })
          expect(errorOf(answer)?.request_id).toBe(answer.headers.get("x-openstack-request-id"))
          expect(JSON.stringify(answer.body)).not.toContain("alice")
        }
      })
    )

    it.effect("a body that is not the four fields, or has a field too long, is 400", () =>
      Effect.gen(function* () {
        const missing = yield* signIn({ username: "alice", password: "alice" })
        expect([missing.status, errorOf(missing)?.code]).toEqual([400, ErrorCode.requestInvalid])
        const extra = yield* signIn({ username: "a", password: "b", project: "c", admin: true })
        expect([extra.status, errorOf(extra)?.code]).toEqual([400, ErrorCode.requestInvalid])
        const long = yield* signIn({ username: "alice", password: "x".repeat(10_000), project: "alpha" })
        expect([long.status, errorOf(long)?.code]).toEqual([400, ErrorCode.requestInvalid])
      })
    )
  })

  layer(UiApi(), { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("an address gets a bounded number of sign-ins a minute, then 429 with Retry-After", () =>
      Effect.gen(function* () {
        const statuses: Array<number> = []
        for (let i = 0; i < attemptsPerWindow + 2; i++) {
          statuses.push((yield* signIn({ username: "alice", password: "wrong", project: "alpha" })).status)
        }
        expect(statuses).toEqual([...Array.from({ length: attemptsPerWindow }, () => 401), 429, 429])
        const refused = yield* signIn({ username: "alice", password: "alice", project: "alpha" })
        expect([refused.status, errorOf(refused)?.code]).toEqual([429, ErrorCode.authSignInThrottled])
        expect(refused.headers.get("retry-after")).toBe("5")
      })
    )
  })
})
