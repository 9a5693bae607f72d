import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { BrokerAmqp, ConsumerAmqp } from "@enamel/broker"
import { removeTopology } from "@enamel/broker/testing"
import { apiAndWorker, embeddedAt } from "@enamel/embedded"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import { TestEdges } from "../../../packages/api/test/harness.js"
import type { Backend } from "./enamelBehaviour.js"
import * as BehaviourFlows from "./flows.js"

/** Static token validation, made-up key references, and the cloud double (for the API's checks). */
export const edges = TestEdges
const http = NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })

/** Short waits, so that stopping and restarting Enamel takes a moment. */
const settings = (extra: ReadonlyArray<readonly [string, string]> = []) =>
  Layer.setConfigProvider(
    ConfigProvider.fromMap(
      new Map<string, string>([
        ["ENAMEL_WORKER_TOPICS", "server.create=4,server.delete=2"],
        ["ENAMEL_WORKER_GRACE", "100 millis"],
        ["ENAMEL_WORKER_RETRY_DELAY", "200 millis"],
        ["ENAMEL_OUTBOX_SWEEP", "200 millis"],
        ["ENAMEL_LEASE_TTL", "5 seconds"],
        ["ENAMEL_ACCESS_LOG", "false"],
        ...extra
      ])
    ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
  )

class DataDirPath extends Context.Tag("test/DataDirPath")<DataDirPath, string>() {}

/**
 * PGlite in a fresh data dir (kept across restarts, removed at the end) and the in-process broker; `extra`
 * settings for a suite that needs its own.
 */
export const embeddedWith = (extra: ReadonlyArray<readonly [string, string]> = []): Backend<DataDirPath> => ({
  name: "the embedded PGlite and in-process broker",
  durable: Layer.scoped(DataDirPath, TestDatabase.freshDataDir),
  enamel: Layer.unwrapEffect(
    // `edges` again for the clients the API's checks use: the same layer, so the same double.
    Effect.map(DataDirPath, (dataDir) =>
      embeddedAt(dataDir, BehaviourFlows.layer, edges, http).pipe(Layer.provide(edges))
    )
  ).pipe(Layer.provide(settings(extra)))
})

export const embedded = embeddedWith()

/** A throw-away PostgreSQL database and a RabbitMQ namespace of its own (removed at the end). */
export const servers = (
  extra: ReadonlyArray<readonly [string, string]> = []
): Backend<Layer.Layer.Success<typeof TestDatabase.layer>> => {
  const namespace = `test-behaviour-${crypto.randomUUID().slice(0, 8)}`
  const cleanup = Layer.scopedDiscard(
    Effect.addFinalizer(() =>
      removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true })
    )
  )
  const config = settings([["ENAMEL_AMQP_NAMESPACE", namespace], ...extra])
  return {
    name: "PostgreSQL and RabbitMQ",
    durable: Layer.merge(TestDatabase.layer, cleanup.pipe(Layer.provide(config))),
    enamel: apiAndWorker(BehaviourFlows.layer, http).pipe(
      Layer.provide(edges),
      Layer.provide([ConsumerAmqp.layer, BrokerAmqp.layer]),
      Layer.provide(config)
    )
  }
}
