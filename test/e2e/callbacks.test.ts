/**
 * Callbacks through the real API process and a real worker process on the dev cloud: a task that fails in
 * the cloud (a flavor that does not exist) calls back a local receiver, which answers 503 while the API
 * process is killed (SIGKILL) and started again; the new process delivers the same delivery, signed, once
 * the receiver answers 200. A link-local URL is refused when the request comes.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { ErrorCode } from "@enamel/domain"
import { OpenStackClients } from "@enamel/openstack-clients"
import { Effect, Layer, Redacted } from "effect"
import { afterAll } from "vitest"
import { verify } from "../../packages/api/src/callbacks/signature.js"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { callbackReceiver, eventOf, type Received } from "../support/callbackReceiver.js"
import { eventually } from "../support/poll.js"
import { startApi } from "./apiProcesses.js"
import { deleteUserKeysAtEnd, fullServers, ServiceUser, TestDatabase } from "./enamel.js"
import { startWorker } from "./workerProcesses.js"

const namespace = uniqueName("callbacks")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const Suite = Layer.mergeAll(TestDatabase.layer, ServiceUser).pipe(Layer.provideMerge(OpenStackClients.layer))

const masterKeyDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "enamel-callbacks-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

describe("callbacks through the API process on the dev cloud", () => {
  layer(Suite, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped(
      "a delivery refused by the receiver is made by the API process started after a kill",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const token = Redacted.value((yield* alice.authentication).token)
          const receiver = yield* callbackReceiver
          receiver.answer(503)
          const settings = {
            ENAMEL_CALLBACK_ALLOW: "127.0.0.0/8",
            ENAMEL_CALLBACK_SWEEP: "200 millis",
            ENAMEL_CALLBACK_RETRY_BASE: "300 millis",
            // Both runs of the API seal and open with the same master key.
            ENAMEL_MASTER_KEY_FILE: join(yield* masterKeyDir, "master.key")
          }
          const first = yield* startApi(namespace, settings)
          yield* startWorker("callbacks-worker", namespace)
          const secret = `cb-${crypto.randomUUID()}`
          const headers = {
            "enamel-callback-url": receiver.url,
            "enamel-callback-secret": secret,
            "enamel-callback-events": "stages"
          }

          const linkLocal = yield* first.send("POST", "/servers", {
            token,
            body: fullServers(uniqueName("cb")),
            headers: { ...headers, "enamel-callback-url": "http://169.254.169.254/latest/meta-data/" }
          })
          expect(linkLocal.status).toBe(400)
          expect(JSON.stringify(linkLocal.body)).toContain(ErrorCode.callbackUrlNotAllowed)

          const accepted = yield* first.send("POST", "/servers", {
            token,
            body: { ...fullServers(uniqueName("cb")), flavor: "enamel-no-such-flavor" },
            headers
          })
          expect(accepted.status).toBe(202)
          const taskId = (accepted.body as { task: { id: string } }).task.id
          const mine = (until: (received: ReadonlyArray<Received>) => boolean, what: string) =>
            eventually(
              Effect.sync(() => receiver.received.filter((r) => eventOf(r).task.id === taskId)),
              until,
              { what, timeout: "3 minutes", every: "100 millis" }
            )
          const ended = (received: ReadonlyArray<Received>) =>
            received.filter((r) => eventOf(r).event === "task.ended")
          yield* mine((received) => ended(received).length >= 1, "a task.ended attempt, answered 503")
          yield* first.kill
          receiver.answer(200)
          yield* startApi(namespace, settings)
          const received = yield* mine(
            (all) => ended(all).some((r) => r.answered === 200),
            "task.ended delivered by the second API process"
          )

          const attempts = ended(received)
          expect(attempts.length).toBeGreaterThanOrEqual(2)
          expect(new Set(attempts.map((r) => r.headers["enamel-delivery-id"])).size).toBe(1)
          for (const r of received)
            expect(verify(secret, r.body, String(r.headers["enamel-signature"]))).toBe(true)
          const event = eventOf(attempts[0] as Received)
          expect(event.task.state).toBe("FAILED")
          expect(event.task).not.toHaveProperty("timeline")
          const stages = received.map(eventOf).filter((e) => e.event === "stage.ended")
          expect(stages.some((e) => e.stage?.state === "FAILED")).toBe(true)
        }),
      300_000
    )
  })
})
