/**
 * A worker that cannot renew its lease (cut off from PostgreSQL, which still lets it reach the cloud)
 * stops the task itself before the lease can be taken over: fencing keeps its late writes out, but only
 * this keeps its cloud calls from running beside the next holder's. The task here is one stage that
 * calls the cloud (a double) without end, a body that otherwise runs to its end uninterruptibly.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerMemory } from "@enamel/broker"
import { Flow, runnable, Stage } from "@enamel/domain"
import { Neutron } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { OutboxRelay, TaskStore, TaskStoreError } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Clock, ConfigProvider, Duration, Effect, Layer, Schema } from "effect"
import { newTask } from "../../persistence/test/support/newTask.js"
import { Cancellations } from "../src/Cancellations.js"
import { LeaseKeeper, stopAfter } from "../src/LeaseKeeper.js"
import { TaskExecutor } from "../src/TaskExecutor.js"
import * as TaskFlowsLayer from "../src/TaskFlows.js"
import { TaskFlows, taskFlow } from "../src/TaskFlows.js"
import { leasesOverriding, recordingDelivery } from "./executorSupport.js"

const topic = `test.selfstop${crypto.randomUUID().slice(0, 8)}`
const leaseTtl = Duration.millis(1500)

/** When each call the stage made came back (epoch ms). */
const answered: Array<number> = []

const callForever = Stage.make({
  name: "callForever",
  result: Schema.Void,
  run: () =>
    Effect.forever(
      Effect.gen(function* () {
        yield* Neutron.listNetworks()
        answered.push(yield* Clock.currentTimeMillis)
        yield* Effect.sleep(Duration.millis(20))
      })
    )
})

const callingFlow = Flow.make({
  type: topic,
  params: Schema.Struct({}),
  result: Schema.Void,
  program: () => Flow.stage(callForever, null)
})

/** Every renewal fails, as if PostgreSQL were out of reach for the keeper's statement only. */
const RenewalsFail = leasesOverriding(() => ({
  renewAll: () => Effect.fail(new TaskStoreError({ cause: "the test took the store away" }))
}))

/** The double's clients and session, passed on to each task as its environment. */
const Clients = CloudDouble.layerClients("alice")
type Clients = Layer.Layer.Success<typeof Clients>

const Flows = Layer.effect(
  TaskFlows,
  Effect.map(
    taskFlow(runnable(callingFlow), () => Layer.context<Clients>()),
    (flow) => TaskFlowsLayer.fromList([flow])
  )
).pipe(Layer.provide(Clients))

const Executor = TaskExecutor.Default.pipe(
  Layer.provide([Flows, Cancellations.Default, LeaseKeeper.Default, OutboxRelay.Default]),
  Layer.provideMerge(Layer.mergeAll(TaskStore.Default, RenewalsFail)),
  Layer.provide(BrokerMemory.layer),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provide(
    Layer.setConfigProvider(
      ConfigProvider.fromMap(
        new Map([
          ["ENAMEL_WORKER_ID", "w-self-stop"],
          ["ENAMEL_LEASE_TTL", `${Duration.toMillis(leaseTtl)} millis`],
          ["ENAMEL_WORKER_RETRY_DELAY", "10 millis"]
        ])
      ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
    )
  )
)

describe("a worker that cannot renew its lease", () => {
  layer(Executor, { timeout: Duration.seconds(30), excludeTestServices: true })((it) => {
    it.effect("stops the task and its cloud calls before the lease can be taken over, and requeues it", () =>
      Effect.gen(function* () {
        const executor = yield* TaskExecutor
        const store = yield* TaskStore
        const sql = yield* SqlClient.SqlClient
        const id = crypto.randomUUID()
        const message = JSON.stringify({
          taskId: id,
          type: topic,
          flowVersion: 1,
          resumeFrom: null,
          restarts: 0
        })
        yield* store.create(
          newTask({
            id,
            type: topic,
            flowVersion: 1,
            projectId: "p-test",
            userId: "u-test",
            params: {},
            message
          })
        )
        const { delivery, settled } = yield* recordingDelivery(message)

        const started = yield* Clock.currentTimeMillis
        yield* executor.execute(delivery)
        const returned = yield* Clock.currentTimeMillis
        expect(yield* settled).toEqual(["requeue"])
        // It stopped at five sixths of the TTL, and not later than the lease could have been taken over.
        const stopPoint = started + Duration.toMillis(stopAfter(leaseTtl))
        expect(answered.length).toBeGreaterThan(5)
        expect(Math.max(...answered)).toBeLessThan(started + Duration.toMillis(leaseTtl))
        expect(returned).toBeGreaterThanOrEqual(stopPoint)

        // Nothing more reaches the cloud from the stopped run.
        const calls = answered.length
        yield* Effect.sleep(Duration.millis(500))
        expect(answered.length).toBe(calls)

        // The attempt is left in doubt (not failed, so no undo ran) and the task is free for the next worker.
        const stages = yield* sql<{ phase: string; state: string }>`
          SELECT phase, state FROM task_timeline WHERE task_id = ${id} AND phase <> 'flow' ORDER BY seq`
        expect(stages).toEqual([{ phase: "run", state: "INTERRUPTED" }])
        const [task] = yield* sql<{ state: string; leaseOwner: string | null }>`
          SELECT state, lease_owner FROM tasks WHERE id = ${id}`
        expect(task).toEqual({ state: "PENDING", leaseOwner: null })
      })
    )
  })
})
