import { HttpApiBuilder, HttpServerError, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Prometheus } from "@enamel/domain"
import { EnamelApi } from "@enamel/domain/contract"
import { PersistenceMetrics } from "@enamel/persistence"
import { Effect, Layer, Metric, MetricLabel } from "effect"

/**
 * The API's metrics, and `GET /metrics` (Prometheus text, unauthenticated like the health check:
 * operators restrict it at the network). The API exposes what it does: requests, accepts, the outbox.
 */

export const tasksAccepted = Metric.counter("enamel_tasks_accepted_total", {
  description: "Tasks the API accepted (202, a new task; not a repeated Idempotency-Key), by type.",
  incremental: true
})

export const requests = Metric.counter("enamel_api_requests_total", {
  description: "HTTP requests the API answered, by method and status.",
  incremental: true
})

// One tagged counter per task type, made once: an accept costs an increment, not a new metric key.
const acceptedByType = new Map<string, Metric.Metric.Counter<number>>()

/** Counts a task accepted: on the accept path, so kept to a map lookup and an increment. */
export const countAccepted = (type: string): Effect.Effect<void> => {
  let counter = acceptedByType.get(type)
  if (counter === undefined) {
    counter = Metric.tagged(tasksAccepted, "type", type)
    acceptedByType.set(type, counter)
  }
  return Metric.increment(counter)
}

const statusLabels = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()
/** The labels of a method and status, made once each (both are bounded). */
const requestLabels = (method: string, status: string) => {
  const key = `${method} ${status}`
  let labels = statusLabels.get(key)
  if (labels === undefined) {
    labels = [MetricLabel.make("method", method), MetricLabel.make("status", status)]
    statusLabels.set(key, labels)
  }
  return labels
}

/** Counts every request by method and final status. */
const countRequests = HttpApiBuilder.middleware(EnamelApi, (app) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    return yield* app.pipe(
      Effect.tap((response) =>
        Metric.increment(
          Metric.taggedWithLabels(requests, requestLabels(request.method, String(response.status)))
        )
      ),
      // Outermost (see ApiServer), it sees OpenStack's error documents as responses; a failure that
      // still gets here becomes the platform's answer, counted with that answer's status.
      Effect.tapErrorCause((cause) =>
        Effect.flatMap(HttpServerError.causeResponse(cause), ([response]) =>
          Metric.increment(
            Metric.taggedWithLabels(requests, requestLabels(request.method, String(response.status)))
          )
        )
      )
    )
  })
)

/** `GET /metrics`: the outbox's depth and age read now, then every metric of this process. */
const route = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const sampleOutbox = yield* PersistenceMetrics.outboxSampler
    yield* router.get(
      "/metrics",
      Effect.map(Prometheus.scrape([sampleOutbox]), (text) =>
        HttpServerResponse.text(text, { contentType: Prometheus.contentType })
      )
    )
  })
)

/** The metrics route and the request counter, for the API's HTTP app (ApiServer's HttpLive). */
export const layer = Layer.merge(route, countRequests)
