import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { Prometheus } from "@enamel/domain"
import { Effect, Metric } from "effect"
import * as WorkerMetrics from "../metrics.js"
import { WorkerPools } from "../WorkerPools.js"

/**
 * `GET /metrics` on the worker's admin port (Prometheus text, unauthenticated: operators restrict the
 * admin port at the network). The pools' running tasks and concurrency are read at scrape time; the
 * rest (tasks, stages, OpenStack calls, dead letters) is what this process recorded.
 */
export const layer = HttpRouter.Default.use((router) =>
  Effect.gen(function* () {
    const pools = yield* WorkerPools
    const samplePools = Effect.flatMap(pools.stats, (stats) =>
      Effect.forEach(
        stats,
        (s) =>
          Effect.all([
            Metric.set(Metric.tagged(WorkerMetrics.tasksRunning, "topic", s.topic), s.running),
            Metric.set(Metric.tagged(WorkerMetrics.concurrency, "topic", s.topic), s.concurrency),
            Metric.set(Metric.tagged(WorkerMetrics.paused, "topic", s.topic), s.paused ? 1 : 0)
          ]),
        { discard: true }
      )
    )
    yield* router.get(
      "/metrics",
      Effect.map(Prometheus.scrape([samplePools]), (text) =>
        HttpServerResponse.text(text, { contentType: Prometheus.contentType })
      )
    )
  })
)
