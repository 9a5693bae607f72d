/**
 * A worker process killed with SIGKILL while it builds servers on the dev cloud: another worker process
 * finishes the task, and the cloud holds exactly the requested servers, volumes, ports and floating IPs
 * (nothing created twice). Then DELETE removes them all.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Effect, Layer, Redacted } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { eventually } from "../support/poll.js"
import {
  call,
  cloudCount,
  configWith,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  fullServers,
  getTask
} from "./enamel.js"
import { exited, startWorker } from "./workerProcesses.js"

const namespace = uniqueName("crash")
// After the layer closed: the test's queues and exchanges go too.
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)
const Enamel = enamelApi(Layer.empty).pipe(
  Layer.provide(
    Layer.setConfigProvider(
      configWith([
        ["ENAMEL_AMQP_NAMESPACE", namespace],
        ["ENAMEL_OUTBOX_SWEEP", "200 millis"]
      ])
    )
  )
)

describe("a worker killed mid-flow on the dev cloud", () => {
  layer(Enamel, { timeout: 400_000, excludeTestServices: true })((it) => {
    it.scoped(
      "SIGKILL while booting: another worker finishes, with exactly one of everything per server",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const token = Redacted.value((yield* alice.authentication).token)
          const first = yield* startWorker("crash-a", namespace)
          const accepted = yield* call("POST", "/servers", token, fullServers(uniqueName("crash"), 2))
          expect(accepted.status).toBe(202)
          const taskId = (accepted.body as { task: { id: string } }).task.id
          // Kill it once something has been made in the cloud and the servers are on their way.
          yield* eventually(
            getTask(taskId, token),
            (task) => task.timeline.some((e) => e.stage.endsWith("createPort") && e.state === "SUCCEEDED"),
            { what: `task ${taskId} to have created a port`, timeout: "2 minutes", every: "100 millis" }
          )
          first.kill("SIGKILL")
          yield* exited(first)
          yield* startWorker("crash-b", namespace)
          const task = yield* finished(taskId, token)
          expect(task.state).toBe("SUCCEEDED")
          expect(task.result.servers).toHaveLength(2)
          expect(yield* cloudCount(taskId, alice)).toEqual({
            servers: 2,
            volumes: 2,
            ports: 2,
            floatingIps: 2
          })

          for (const server of task.result.servers) {
            const deleting = yield* call("DELETE", `/servers/${server.id}`, token)
            const deleted = yield* finished((deleting.body as { task: { id: string } }).task.id, token)
            expect(deleted.state).toBe("SUCCEEDED")
          }
          expect(yield* cloudCount(taskId, alice)).toEqual({
            servers: 0,
            volumes: 0,
            ports: 0,
            floatingIps: 0
          })
        }),
      // The resumed worker waits up to a minute for a create the killed one may have sent (adoptOrCreate).
      240_000
    )
  })
})
