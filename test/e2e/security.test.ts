/**
 * Security with real tokens on the dev cloud, through the real API and an in-process worker:
 * - isolation: bob (project beta) cannot see, cancel, delete or stream alice's (alpha) task — 404, never
 *   403 — nor find it in any list; all_projects is admin-only (403 for members); an admin sees it;
 * - secrets: while tasks run (one that fails in the cloud after the worker regenerated alice's session
 *   from her key, one server.delete), bad tokens and forced errors, every database row of every table,
 *   every log line (API and worker, request and error logs) and every AMQP message published is
 *   scanned for the users' tokens and passwords, the application credential's secret and the Barbican
 *   payload, the service user's password, a callback's secret, and anything shaped like a Keystone token.
 *   Zero hits — and a planted control value is found in each sink, so the scan can see.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Broker, BrokerAmqp } from "@enamel/broker"
import { drainQueue, removeTopology } from "@enamel/broker/testing"
import { Barbican, ServiceSession, Session, Sessions } from "@enamel/openstack-clients"
import { Effect, Layer, Redacted } from "effect"
import { afterAll } from "vitest"
import { verify } from "../../packages/api/src/callbacks/signature.js"
import { send } from "../../packages/api/test/harness.js"
import { Admin } from "../../packages/openstack-clients/test/support/admin.js"
import {
  sessionFor,
  sessionOptions,
  uniqueName
} from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import { callbackReceiver, eventOf } from "../support/callbackReceiver.js"
import { eventually } from "../support/poll.js"
import {
  call,
  configWith,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  fullServers,
  identityEnv,
  inProcessWorkerSettings,
  type TaskBody,
  tokenOf
} from "./enamel.js"
import { captureLogs, dumpDatabase, scan, tapMessages } from "./secretScan.js"

const namespace = uniqueName("security")
afterAll(() =>
  Effect.runPromise(
    Effect.zipRight(
      Effect.ignore(drainQueue(`${namespace}.tap`, true)),
      removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true })
    )
  )
)

const logLines: Array<string> = []

const poison = `poison-${crypto.randomUUID()}`

// Every log line at every level: the capture is provided inside the shared settings (which log only
// warnings), so its level wins.
const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(captureLogs(logLines)),
  Layer.provide(
    inProcessWorkerSettings(namespace, [
      ["ENAMEL_CALLBACK_ALLOW", "127.0.0.0/8"],
      ["ENAMEL_CALLBACK_SWEEP", "200 millis"]
    ])
  )
)
const live = Layer.provideMerge(Admin.Default, Enamel)

const ids = (answer: { readonly body: unknown }) =>
  ((answer.body as { tasks?: ReadonlyArray<{ id: string }> }).tasks ?? []).map((t) => t.id)

describe("security on the dev cloud", () => {
  layer(live, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped(
      "projects are isolated with real tokens, and no secret reaches a row, a log line or a message",
      () =>
        Effect.gen(function* () {
          const tap = yield* tapMessages(namespace)
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          // carol: a throw-away user whose password is long and random, so a raw hit would mean a leak.
          const carol = yield* (yield* Admin).throwawayProject
          const carolSession = yield* Sessions.make(sessionOptions(carol.profile))
          yield* deleteUserKeysAtEnd(carolSession)
          const carolPassword =
            carol.profile.credentials._tag === "Password"
              ? Redacted.value(carol.profile.credentials.password)
              : ""
          expect(carolPassword.length).toBeGreaterThanOrEqual(32)
          const [aliceToken, bobToken, adminToken, carolToken] = yield* Effect.all([
            tokenOf(alice),
            Effect.flatMap(sessionFor("bob"), tokenOf),
            Effect.flatMap(sessionFor("admin"), tokenOf),
            tokenOf(carolSession)
          ])

          // A task that fails in the cloud: the worker reads alice's key and authenticates with it.
          const accepted = yield* call("POST", "/servers", aliceToken, {
            ...fullServers(uniqueName("sec")),
            flavor: "enamel-no-such-flavor"
          })
          expect(accepted.status).toBe(202)
          const taskId = (accepted.body as TaskBody).task.id
          // Carol's asks for callbacks: their secret is sealed, used to sign, and must leak nowhere either.
          const receiver = yield* callbackReceiver
          const callbackSecret = `callback-${crypto.randomUUID()}`
          const carols = yield* send("POST", "/servers", {
            token: carolToken,
            body: { ...fullServers(uniqueName("sec")), image: "enamel-no-such-image" },
            headers: {
              "enamel-callback-url": receiver.url,
              "enamel-callback-secret": callbackSecret,
              "enamel-callback-events": "stages"
            }
          })
          expect(carols.status).toBe(202)
          // A server alice cannot see: Nova, asked with her own token, says so before any task exists.
          const deleting = yield* call("DELETE", `/servers/${crypto.randomUUID()}`, aliceToken)
          expect(deleting.status).toBe(404)
          expect(JSON.stringify(deleting.body)).toContain("server.not_found")

          // A message no worker can read: the worker logs a warning and dead-letters it.
          yield* Effect.flatMap(Broker, (broker) =>
            broker.publish([
              { routingKey: "server.create", messageId: poison, priority: 5, body: `{"poison":"${poison}"}` }
            ])
          ).pipe(
            Effect.provide(BrokerAmqp.layer),
            Effect.withConfigProvider(configWith([["ENAMEL_AMQP_NAMESPACE", namespace]]))
          )

          // Isolation: every way bob could reach alice's task is a 404, as if it did not exist.
          for (const [method, path] of [
            ["GET", `/tasks/${taskId}`],
            ["GET", `/tasks/${taskId}/events`],
            ["POST", `/tasks/${taskId}/cancel`],
            ["DELETE", `/tasks/${taskId}`]
          ] as const) {
            const answer = yield* call(method, path, bobToken)
            expect(answer.status, `${method} ${path} as bob`).toBe(404)
            expect(JSON.stringify(answer.body)).not.toContain("forbidden")
          }
          for (const query of ["", "?state=all", "?scope=project&state=all", "?scope=user&state=all"])
            expect(ids(yield* call("GET", `/tasks${query}`, bobToken))).not.toContain(taskId)
          const members = yield* call("GET", "/tasks?all_projects=true", bobToken)
          expect(members.status).toBe(403)
          expect(JSON.stringify(members.body)).toContain("policy.forbidden")
          expect(ids(yield* call("GET", "/tasks?scope=project&state=all", aliceToken))).toContain(taskId)
          expect(ids(yield* call("GET", "/tasks?all_projects=true&state=all", adminToken))).toContain(taskId)
          expect((yield* call("GET", `/tasks/${taskId}`, adminToken)).status).toBe(200)

          // Error paths: bad tokens (Keystone says no), a malformed body, an unknown task.
          expect((yield* call("GET", "/tasks", `${aliceToken}x`)).status).toBe(401)
          expect((yield* call("GET", "/tasks", "not-a-token")).status).toBe(401)
          expect((yield* call("POST", "/servers", aliceToken, { name: 1 })).status).toBe(400)
          expect((yield* call("GET", `/tasks/${crypto.randomUUID()}`, aliceToken)).status).toBe(404)

          // The task failed where the cloud said no (bob's cancel did not cancel it), with request ids.
          const failed = yield* finished(taskId, alice)
          expect(failed.state).toBe("FAILED")
          expect(failed.timeline.some((e) => e.request_ids.length > 0)).toBe(true)
          expect((yield* finished((carols.body as TaskBody).task.id, carolSession)).state).toBe("FAILED")
          const callbacks = yield* eventually(
            Effect.sync(() => receiver.received),
            (received) => received.some((r) => eventOf(r).event === "task.ended"),
            { what: "carol's task.ended callback" }
          )
          for (const r of callbacks)
            expect(verify(callbackSecret, r.body, String(r.headers["enamel-signature"]))).toBe(true)

          // The secrets: alice's key as Barbican holds it (read as the service user), tokens, passwords.
          const sql = yield* SqlClient.SqlClient
          const keys = yield* sql<{ secretRef: string }>`SELECT secret_ref FROM user_keys`
          expect(keys).toHaveLength(2)
          const service = yield* ServiceSession.ServiceSession
          const payloads = yield* Effect.forEach(keys, (key) =>
            Effect.map(
              Barbican.getSecretPayload(key.secretRef).pipe(Effect.provideService(Session, service)),
              Redacted.value
            )
          )
          const keySecrets = Object.fromEntries(
            payloads.flatMap((payload, i) => [
              [`Barbican payload ${i}`, payload],
              [
                `application credential secret ${i}`,
                (JSON.parse(payload) as { application_credential_secret: string })
                  .application_credential_secret
              ]
            ])
          )
          const password = (identity: string) =>
            identityEnv(identity).OS_PASSWORD ?? `no password for ${identity}`
          const secrets = {
            "alice's token": aliceToken,
            "bob's token": bobToken,
            "admin's token": adminToken,
            "the service user's token": Redacted.value((yield* service.authentication).token),
            "carol's token": carolToken,
            "carol's password": carolPassword,
            "carol's callback secret": callbackSecret,
            ...keySecrets,
            // The dev cloud's passwords are short words: looked for where a credential would be.
            ...Object.fromEntries(
              ["alice", "bob", "admin", "enamel"].flatMap((identity) => {
                const p = password(identity)
                return [
                  [`${identity}'s password (JSON)`, `"password":"${p}"`],
                  [`${identity}'s password (form)`, `password=${p}`],
                  [`${identity}'s password (URL)`, `:${p}@`]
                ]
              })
            ),
            "any Keystone (Fernet) token": /gAAAAA[A-Za-z0-9_-]{60,}/,
            "any password field": /"password"\s*:|password=[^&\s]/i
          }

          // A control: a value planted where each sink records it must be found.
          const control = `control-${crypto.randomUUID()}`
          yield* call("GET", `/tasks?type=${control}`, aliceToken)
          const messages = yield* tap.drain
          const database = yield* dumpDatabase
          const sinks = { database: database.rows, logs: logLines, messages }
          expect(scan({ logs: logLines }, { control })).not.toHaveLength(0)
          expect(scan({ database: database.rows }, { control: taskId })).not.toHaveLength(0)
          expect(scan({ messages }, { control: taskId })).not.toHaveLength(0)
          // The worker's log is captured too: its warning about the poison message, which was dead-lettered.
          expect(logLines.some((l) => l.includes("undecodable task message"))).toBe(true)
          // ENAMEL_LOG_FORMAT=json's lines are scanned too: the worker's OpenStack calls for the task (debug
          // lines) name the task, the trace and the service's request id.
          const jsonCall = logLines
            .filter((l) => l.startsWith('{"time"'))
            .find((l) => l.includes(`"task_id":"${taskId}"`) && l.includes('"openstack_request_id":"req-'))
          expect(jsonCall).toMatch(/"trace_id":"[0-9a-f]{32}"/)
          expect(messages.filter((m) => m.includes(poison)).length).toBeGreaterThanOrEqual(2)
          // A token where a log line would carry it is found, by value and by its Keystone (Fernet) shape.
          expect(scan({ logs: [`x-auth-token: ${aliceToken}`] }, secrets).map((h) => h.secret)).toEqual([
            "alice's token",
            "any Keystone (Fernet) token"
          ])

          console.log(
            `secret scan: ${database.rows.length} rows of ${database.tables.length} tables ` +
              `(${database.tables.join(", ")}), ${logLines.length} log lines, ${messages.length} messages`
          )
          expect(database.tables).toEqual(
            expect.arrayContaining([
              "tasks",
              "task_outbox",
              "user_keys",
              "task_callbacks",
              "callback_deliveries"
            ])
          )
          expect(messages.length).toBeGreaterThanOrEqual(4)
          expect(scan(sinks, secrets)).toEqual([])
        })
    )
  })
})
