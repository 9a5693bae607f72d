import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { BrokerAmqp, ConsumerAmqp } from "@enamel/broker"
import {
  Database,
  layerMigrated,
  OutboxRelay,
  TaskLeases,
  TaskRetention,
  TaskStore,
  TopicSettings
} from "@enamel/persistence"
import { Config, Effect, Layer } from "effect"
import * as AdminServer from "./admin/AdminServer.js"
import { Cancellations } from "./Cancellations.js"
import { LeaseKeeper } from "./LeaseKeeper.js"
import { TaskExecutor } from "./TaskExecutor.js"
import type { TaskFlows } from "./TaskFlows.js"
import { WorkerPools } from "./WorkerPools.js"
import { WorkerSettings } from "./WorkerSettings.js"

/** ENAMEL_WORKER_ADMIN_HOST (127.0.0.1) and ENAMEL_WORKER_ADMIN_PORT (8781): the admin RPC endpoint. */
export const AdminListen = Config.all({
  host: Config.string("ENAMEL_WORKER_ADMIN_HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.port("ENAMEL_WORKER_ADMIN_PORT").pipe(Config.withDefault(8781))
})

/**
 * The worker's pools over PostgreSQL and RabbitMQ, running the given flows. Workers relay the outbox
 * too: tasks they hand on are published even when no API process runs.
 */
export const workerPools = <E, R>(flows: Layer.Layer<TaskFlows, E, R>) =>
  workerPoolsOn(flows).pipe(Layer.provide([ConsumerAmqp.layer, BrokerAmqp.layer]))

/**
 * The worker's pools over whatever Broker and Consumer are given (the embedded mode's are in memory),
 * and the periodic purge of tasks ended longer ago than ENAMEL_TASK_RETENTION (one purger at a time).
 */
export const workerPoolsOn = <E, R>(flows: Layer.Layer<TaskFlows, E, R>) =>
  Layer.merge(WorkerPools.Default, TaskRetention.Default).pipe(
    Layer.provide(TaskExecutor.Default),
    Layer.provide([Cancellations.Default, LeaseKeeper.Default, flows, OutboxRelay.Default]),
    Layer.provideMerge(Layer.mergeAll(TaskLeases.Default, TaskStore.Default, TopicSettings.Default))
  )

/** A worker process: migrated database, pools, and the admin endpoint. */
export const workerProcess = <E, R>(flows: Layer.Layer<TaskFlows, E, R>) =>
  AdminServer.layer.pipe(
    // Provided first, so built last: the admin endpoint listens once the pools run.
    Layer.provide(
      Layer.unwrapEffect(Config.map(AdminListen, (listen) => NodeHttpServer.layer(createServer, listen)))
    ),
    Layer.provideMerge(workerPools(flows)),
    Layer.provide(Layer.provideMerge(layerMigrated, database))
  )

/** Statements wait for a free connection as long as a lease lasts (see Database.layerWaiting). */
const database = Layer.unwrapEffect(Effect.map(WorkerSettings, (s) => Database.layerWaiting(s.leaseTtl)))
