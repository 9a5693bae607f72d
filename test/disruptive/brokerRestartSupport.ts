/** What the RabbitMQ restart tests share: the API over RabbitMQ without a cloud, and rabbitmqctl. */
import { execFile } from "node:child_process"
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { BrokerAmqp } from "@enamel/broker"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer } from "effect"
import { HttpLive } from "../../packages/api/src/ApiServer.js"
import { TestEdges } from "../../packages/api/test/harness.js"
import { configWith } from "../e2e/enamel.js"

/**
 * The API (with its outbox relay) publishing to RabbitMQ: static tokens, made-up key references and the
 * cloud double, a throw-away database, a random loopback port; `logger` (e.g. Logger.add) sees what it logs.
 */
export const apiOverAmqp = (
  settings: ReadonlyArray<readonly [string, string]>,
  logger: Layer.Layer<never> = Layer.empty
) =>
  HttpLive.pipe(
    Layer.provide([TestEdges, BrokerAmqp.layer]),
    Layer.provide(logger),
    Layer.provideMerge(TestDatabase.layer),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    Layer.provide(Layer.setConfigProvider(configWith(settings)))
  )

/** Asynchronous, so that an API in the test's process serves requests while RabbitMQ stops and starts. */
export const rabbitmqctl = (...args: ReadonlyArray<string>) =>
  Effect.async<void>((resume) => {
    execFile("rabbitmqctl", ["-q", ...args], { timeout: 120_000 }, (error) =>
      resume(error === null ? Effect.void : Effect.die(error))
    )
  })
