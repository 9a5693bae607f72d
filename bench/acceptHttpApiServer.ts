/**
 * The framework alone: Effect's HttpApi on Node serving `POST /servers` with Enamel's request schema
 * (decoded and validated as Enamel's) and a 202 with a task-shaped body. No middleware, no token check,
 * no database, no broker: what the HTTP layer Enamel is built on costs per request. `FLOOR_PORT`.
 */
import { createServer } from "node:http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { ServerCreate } from "@enamel/domain/flows"
import { Config, Effect, Layer, Schema } from "effect"

const Accepted = Schema.Struct({
  task: Schema.Struct({ id: Schema.String, type: Schema.String, state: Schema.String })
})

const Api = HttpApi.make("httpApiOnly").add(
  HttpApiGroup.make("servers").add(
    HttpApiEndpoint.post("createServers", "/servers")
      .setPayload(ServerCreate.CreateServersRequest)
      .addSuccess(Accepted, { status: 202 })
  )
)

const Servers = HttpApiBuilder.group(Api, "servers", (handlers) =>
  handlers.handle("createServers", () =>
    Effect.sync(() => ({ task: { id: crypto.randomUUID(), type: "server.create", state: "PENDING" } }))
  )
)

const Listen = Layer.unwrapEffect(
  Effect.map(Config.port("FLOOR_PORT"), (port) =>
    NodeHttpServer.layer(createServer, { port, host: "127.0.0.1" })
  )
)

HttpApiBuilder.serve().pipe(
  Layer.provide(HttpApiBuilder.api(Api).pipe(Layer.provide(Servers))),
  Layer.provide(Listen),
  Layer.launch,
  NodeRuntime.runMain
)
