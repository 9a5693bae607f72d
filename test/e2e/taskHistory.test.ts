/**
 * Issue #20 on the dev cloud, through the real API and a real worker (PostgreSQL, RabbitMQ, Keystone,
 * Barbican): `GET /tasks/{id}?wait=` answers after its timeout with the task still running, and as soon
 * as the task ends well before it; the task view's progress; `GET /tasks?resource=<server id>` finds the
 * server.create and the server.delete of a real server (and not the create of another).
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Effect, Layer, Redacted } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import {
  call,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  inProcessWorkerSettings,
  type TaskBody
} from "./enamel.js"

const namespace = uniqueName("e2e-history")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(inProcessWorkerSettings(namespace))
)

interface Progress {
  readonly progress: { readonly done: number; readonly total: number | null }
}

/** A held read: the answer and how long it took. */
const held = (taskId: string, token: string, seconds: number) =>
  Effect.gen(function* () {
    const started = Date.now()
    const answer = yield* call("GET", `/tasks/${taskId}?wait=${seconds}`, token)
    return { answer, took: Date.now() - started, task: (answer.body as TaskBody & { task: Progress }).task }
  })

const listed = (path: string, token: string) =>
  Effect.map(call("GET", path, token), (answer) => {
    expect(answer.status).toBe(200)
    return (answer.body as { tasks: ReadonlyArray<{ id: string; type: string; state: string }> }).tasks
  })

describe("waiting for tasks and finding them by resource (dev cloud)", () => {
  layer(Enamel, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped(
      "?wait= times out, then returns on completion; ?resource= finds the create and the delete",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const token = Redacted.value((yield* alice.authentication).token)

          const tooLong = yield* call("GET", `/tasks/${crypto.randomUUID()}?wait=61`, token)
          expect(tooLong.status).toBe(400)
          expect(JSON.stringify(tooLong.body)).toContain("wait")

          const accepted = yield* call("POST", "/servers", token, {
            name: uniqueName("e2e-history"),
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: "private" }]
          })
          expect(accepted.status).toBe(202)
          const createId = (accepted.body as TaskBody).task.id

          // Times out: a server takes longer than 2 s to build; the answer is the task as it is.
          const early = yield* held(createId, token, 2)
          expect(early.answer.status).toBe(200)
          expect(["PENDING", "RUNNING"]).toContain(early.task.state)
          expect(early.took).toBeGreaterThanOrEqual(2_000)
          expect(early.took).toBeLessThan(4_000)

          // Returns on completion, well before its 60 s.
          const ended = yield* held(createId, token, 60)
          expect(ended.task.state).toBe("SUCCEEDED")
          expect(ended.took).toBeLessThan(55_000)
          // It answered within a tick or so of the task's end, not at its timeout.
          const endedAt = Date.parse((ended.answer.body as { task: { ended_at: string } }).task.ended_at)
          expect(Date.now() - endedAt).toBeLessThan(2_000)
          expect(ended.task.progress.done).toBeGreaterThan(2)
          expect(ended.task.progress.total).toBe(ended.task.progress.done)
          const serverId = ended.task.result.servers[0]?.id ?? ""
          expect(serverId).not.toBe("")

          // An ended task answers at once.
          const again = yield* held(createId, token, 60)
          expect(again.took).toBeLessThan(2_000)

          const deleting = yield* call("DELETE", `/servers/${serverId}`, token)
          expect(deleting.status).toBe(202)
          const deleteId = (deleting.body as TaskBody).task.id
          // While the delete runs it is found by the server's id too (its params name it).
          const during = yield* listed(`/tasks?resource=${serverId}`, token)
          expect(during.map((t) => t.id)).toContain(deleteId)
          const deleted = yield* finished(deleteId, token)
          expect(deleted.state).toBe("SUCCEEDED")

          // Both tasks, newest first, though neither is active (the default state filter does not apply).
          const history = yield* listed(`/tasks?resource=${serverId}`, token)
          expect(history.map((t) => [t.id, t.type, t.state])).toEqual([
            [deleteId, "server.delete", "SUCCEEDED"],
            [createId, "server.create", "SUCCEEDED"]
          ])
          expect(yield* listed(`/tasks?resource=${serverId.toUpperCase()}`, token)).toHaveLength(2)
          expect(yield* listed(`/tasks?resource=${crypto.randomUUID()}`, token)).toEqual([])
          // Every list shows progress, for the page in one statement.
          const all = yield* listed(`/tasks?resource=${serverId}&state=SUCCEEDED`, token)
          expect(all).toHaveLength(2)
        })
    )
  })
})
