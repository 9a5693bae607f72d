/**
 * Keystone's tokens cut to 60 s (the dev cloud's `DEVCLOUD_TOKEN_EXPIRATION`), and a server.create task
 * that runs longer than that: Nova's boot reply is held back 65 s, so every stage after it acts with a
 * token that has expired meanwhile unless the task's session takes a new one. The task succeeds; the
 * task's session (the user's application credential) and Enamel's service session both authenticated
 * again; a token the API validated earlier is refused once it expired (the validation cache does not
 * outlive it); a new user's key is made and used with 60 s tokens. The lifetime is always put back.
 * Disruptive: restarting Keystone (twice, about 7 s each) interrupts everyone using the cloud.
 */
import { execFileSync } from "node:child_process"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { HttpTransport, OpenStackClients, type SessionShape } from "@enamel/openstack-clients"
import { DateTime, Duration, Effect, Layer } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import {
  call,
  cloudCount,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  fullServers,
  inProcessWorkerSettings,
  type TaskBody,
  tokenOf
} from "../e2e/enamel.js"

const lifetime = 60
const stretch = Duration.seconds(65)

/** Keystone's token lifetime as `devcloud status` reports it. */
const currentLifetime = Effect.sync(() => {
  const status = execFileSync("devcloud/devcloud", ["status"], { encoding: "utf8" })
  const seconds = /token expiration: (\d+) s/.exec(status)?.[1]
  return seconds === undefined ? 3600 : Number(seconds)
})

/** `devcloud up` with this token lifetime: restarts Keystone alone when the lifetime changes. */
const setLifetime = (seconds: number) =>
  Effect.sync(() =>
    execFileSync("devcloud/devcloud", ["up"], {
      env: { ...process.env, DEVCLOUD_TOKEN_EXPIRATION: String(seconds) },
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 300_000
    })
  ).pipe(Effect.withSpan("devcloud.setTokenLifetime"))

/** 60 s tokens while the test's layer lives; the lifetime found before is put back however it ends. */
const ShortTokens = Layer.scopedDiscard(
  Effect.acquireRelease(
    Effect.flatMap(currentLifetime, (before) => Effect.as(setLifetime(lifetime), before)),
    (before) => Effect.orDie(setLifetime(before))
  )
)

/** Token requests seen on the wire, by who asked: the task's session or Enamel's service user. */
const authentications = { applicationCredential: 0, serviceUser: 0 }
let stretched = false

/**
 * The live transport, counting token requests, and holding back the first boot reply (POST
 * …/servers to Nova) so that the task runs past its token's lifetime. Nothing else is changed.
 */
const observedTransport = Layer.effect(
  HttpTransport.HttpTransport,
  Effect.gen(function* () {
    const real = yield* Effect.provide(HttpTransport.HttpTransport, HttpTransport.layerFetch)
    return HttpTransport.HttpTransport.make({
      send: (request) =>
        Effect.gen(function* () {
          const path = new URL(request.url).pathname
          const body = request.body?.text ?? ""
          if (request.method === "POST" && path.endsWith("/auth/tokens")) {
            if (body.includes('"application_credential"')) authentications.applicationCredential++
            if (body.includes('"name":"enamel"')) authentications.serviceUser++
          }
          const reply = yield* real.send(request)
          if (request.method === "POST" && /\/v2\.1\/servers$/.test(path) && !stretched) {
            stretched = true
            yield* Effect.sleep(stretch)
          }
          return reply
        })
    })
  })
)

const namespace = `tokens${crypto.randomUUID().slice(0, 8)}`
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const Enamel = enamelApi(
  workerPools(CloudFlows.layer),
  Layer.provideMerge(OpenStackClients.layerWithoutTransport, observedTransport)
).pipe(
  Layer.provide(inProcessWorkerSettings(namespace)),
  // Built first and released last: no session takes a token before the lifetime is short.
  Layer.provideMerge(ShortTokens)
)

const createAs = (session: SessionShape, name: string) =>
  Effect.gen(function* () {
    const accepted = yield* call("POST", "/servers", yield* tokenOf(session), fullServers(name))
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202)
    return (accepted.body as TaskBody).task.id
  })

const deleteAs = (session: SessionShape, serverId: string) =>
  Effect.gen(function* () {
    const deleting = yield* call("DELETE", `/servers/${serverId}`, yield* tokenOf(session))
    expect(deleting.status).toBe(202)
    const deleted = yield* finished((deleting.body as TaskBody).task.id, session)
    expect(deleted.state, JSON.stringify(deleted.error)).toBe("SUCCEEDED")
  })

describe("Keystone tokens that live 60 s", () => {
  layer(Enamel, { timeout: Duration.minutes(5), excludeTestServices: true })((it) => {
    it.scoped(
      "a task running longer than its token completes; the API's caches and keys cope",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          const bob = yield* sessionFor("bob")
          yield* deleteUserKeysAtEnd(alice)
          yield* deleteUserKeysAtEnd(bob)
          const first = (yield* alice.authentication).info
          const issued = DateTime.toEpochMillis(first.issuedAt)
          const expires = DateTime.toEpochMillis(first.expiresAt)
          expect(Math.round((expires - issued) / 1000)).toBe(lifetime)
          const firstToken = yield* tokenOf(alice)

          const submitted = Date.now()
          const taskId = yield* createAs(alice, uniqueName("tokens"))
          const task = yield* finished(taskId, alice)
          const ran = (Date.now() - submitted) / 1000
          expect(task.state, JSON.stringify(task.error)).toBe("SUCCEEDED")
          expect(ran).toBeGreaterThan(lifetime)
          // It ran past its first token's life: Nova's reply was held back 65 s inside bootServer.
          expect(stretched).toBe(true)
          const waited = task.timeline.find((e) => e.stage.endsWith("waitServerActive"))
          expect(waited?.state).toBe("SUCCEEDED")
          expect(yield* cloudCount(taskId, alice)).toEqual({
            servers: 1,
            volumes: 1,
            ports: 1,
            floatingIps: 1
          })
          // Only this task has run so far, and its stages after the held-back boot acted more than 60 s
          // after its session's first token: that session took a second one.
          const tokensOfTask = authentications.applicationCredential
          expect(tokensOfTask).toBeGreaterThanOrEqual(2)

          // The token alice started with has expired: the API refuses it though it validated it before.
          expect(Date.now()).toBeGreaterThan(expires)
          const stale = yield* call("GET", `/tasks/${taskId}`, firstToken)
          expect(stale.status).toBe(401)

          // A user Enamel has no key for yet: the key is made with her 60 s token and the task uses it.
          const bobsTask = yield* finished(yield* createAs(bob, uniqueName("tokens")), bob)
          expect(bobsTask.state, JSON.stringify(bobsTask.error)).toBe("SUCCEEDED")
          // Enamel's service user renews its token only when it is used within the last quarter of the
          // token's life, so while alice's task ran it may not have needed a second one. Validating bob's
          // token and keeping his key needed it after its first token (taken by alice's request at the
          // latest) had expired: by now it has taken another.
          const tokensOfService = authentications.serviceUser
          expect(tokensOfService).toBeGreaterThanOrEqual(2)

          for (const built of task.result.servers) yield* deleteAs(alice, built.id)
          for (const built of bobsTask.result.servers) yield* deleteAs(bob, built.id)
          expect(yield* cloudCount(taskId, alice)).toEqual({
            servers: 0,
            volumes: 0,
            ports: 0,
            floatingIps: 0
          })
          expect(yield* cloudCount(bobsTask.id, bob)).toEqual({
            servers: 0,
            volumes: 0,
            ports: 0,
            floatingIps: 0
          })
          console.log(
            `token expiry: with ${lifetime} s tokens a task ran ${ran.toFixed(0)} s and succeeded; its session ` +
              `took ${tokensOfTask} tokens, Enamel's service user ${tokensOfService} by then`
          )
        }),
      { timeout: 300_000 }
    )
  })
})
