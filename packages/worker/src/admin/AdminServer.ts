import { HttpRouter, HttpServer } from "@effect/platform"
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { Effect, Layer } from "effect"
import { WorkerPools } from "../WorkerPools.js"
import { AdminRpcs, UnknownTopicError } from "./AdminRpcs.js"
import * as Healthcheck from "./healthcheck.js"
import * as AdminMetrics from "./metrics.js"

const unknownTopic = (e: { readonly topic: string }) => new UnknownTopicError({ topic: e.topic })

/** The admin handlers, over the worker's pools. */
export const handlers = AdminRpcs.toLayer(
  Effect.map(WorkerPools, (pools) =>
    AdminRpcs.of({
      Stats: () => pools.stats,
      SetConcurrency: ({ topic, concurrency }) =>
        Effect.mapError(pools.setConcurrency(topic, concurrency), unknownTopic),
      Pause: ({ topic }) => Effect.mapError(pools.pause(topic), unknownTopic),
      Resume: ({ topic }) => Effect.mapError(pools.resume(topic), unknownTopic),
      Drain: () => pools.drain
    })
  )
)

/** Serves the admin RPCs at POST /rpc (JSON) and GET /healthcheck on whatever HttpServer is provided. */
export const layer = HttpRouter.Default.serve().pipe(
  Layer.provide(RpcServer.layer(AdminRpcs)),
  Layer.provide(RpcServer.layerProtocolHttp({ path: "/rpc" })),
  Layer.provide(Healthcheck.layer),
  Layer.provide(handlers),
  Layer.provide(AdminMetrics.layer),
  Layer.provide(RpcSerialization.layerJson),
  HttpServer.withLogAddress
)
