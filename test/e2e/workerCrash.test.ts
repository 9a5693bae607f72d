/**
 * A worker process killed with SIGKILL while it builds servers on the dev cloud: another worker process
 * finishes the task, and the cloud holds exactly the requested servers, volumes, ports and floating IPs
 * (nothing created twice). Then DELETE removes them all.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Effect, Layer, Redacted } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import {
  call,
  cloudCount,
  configWith,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  getTask,
  identityEnv,
  TestDatabase
} from "./enamel.js"

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

/** A real worker process (packages/worker/src/main.ts) on the test database, as Enamel's service user. */
const startWorker = (name: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const url = yield* TestDatabase.TestDatabaseUrl
      return spawn(process.execPath, ["--import", "tsx", "packages/worker/src/main.ts"], {
        env: {
          ...process.env,
          ...identityEnv("enamel"),
          ENAMEL_DATABASE_URL: url.toString(),
          ENAMEL_AMQP_NAMESPACE: namespace,
          ENAMEL_WORKER_TOPICS: "server.create=2,server.delete=2",
          ENAMEL_WORKER_ID: name,
          ENAMEL_LEASE_TTL: "3 seconds",
          ENAMEL_WORKER_RETRY_DELAY: "500 millis",
          ENAMEL_WORKER_ADMIN_PORT: String(20_000 + Math.floor(Math.random() * 20_000))
        },
        stdio: ["ignore", "ignore", "inherit"]
      })
    }),
    (child: ChildProcess) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
  )

const exited = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

describe("a worker killed mid-flow on the dev cloud", () => {
  layer(Enamel, { timeout: 400_000, excludeTestServices: true })((it) => {
    it.scoped(
      "SIGKILL while booting: another worker finishes, with exactly one of everything per server",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const token = Redacted.value((yield* alice.authentication).token)
          const first = yield* startWorker("crash-a")
          const accepted = yield* call("POST", "/servers", token, {
            name: uniqueName("crash"),
            count: 2,
            image: "tiny",
            flavor: "m1.tiny",
            boot_volume: { size_gb: 1 },
            networks: [{ network: "private", floating_ip: { network: "public" } }]
          })
          expect(accepted.status).toBe(202)
          const taskId = (accepted.body as { task: { id: string } }).task.id
          // Kill it once something has been made in the cloud and the servers are on their way.
          for (let i = 0; i < 600; i++) {
            const task = yield* getTask(taskId, token)
            if (task.timeline.some((e) => e.stage.endsWith("createPort") && e.state === "SUCCEEDED")) break
            yield* Effect.sleep("100 millis")
          }
          first.kill("SIGKILL")
          yield* exited(first)
          yield* startWorker("crash-b")
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
        })
    )
  })
})
