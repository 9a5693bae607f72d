import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { Prometheus } from "@enamel/domain"
import { Effect } from "effect"

/**
 * `GET /metrics` on the worker's admin port (Prometheus text, unauthenticated: operators restrict the
 * admin port at the network). The pools' running tasks and concurrency are read at scrape time (the
 * pools register their sampler); the rest (tasks, stages, OpenStack calls, dead letters) is what this
 * process recorded.
 */
export const layer = HttpRouter.Default.use((router) =>
  router.get(
    "/metrics",
    Effect.map(Prometheus.scrape(), (text) =>
      HttpServerResponse.text(text, { contentType: Prometheus.contentType })
    )
  )
)
