import { HttpApiBuilder, HttpServerError, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { metricFamily, Prometheus } from "@enamel/domain"
import { EnamelApi } from "@enamel/domain/contract"
import { PersistenceMetrics } from "@enamel/persistence"
import { Effect, Layer, Metric, MetricKey } from "effect"

/**
 * The API's metrics, and `GET /metrics` (Prometheus text, unauthenticated like the health check:
 * operators restrict it at the network). The API exposes what it does: requests, accepts, the outbox.
 */

const tasksAcceptedKey = MetricKey.counter("enamel_tasks_accepted_total", {
  description: "Tasks the API accepted (202, a new task; not a repeated Idempotency-Key), by type.",
  incremental: true
})
export const tasksAccepted = Metric.fromMetricKey(tasksAcceptedKey)
const acceptedOf = metricFamily(tasksAcceptedKey, ["type"])

const requestsKey = MetricKey.counter("enamel_api_requests_total", {
  description: "HTTP requests the API answered, by method and status.",
  incremental: true
})
export const requests = Metric.fromMetricKey(requestsKey)
const requestsOf = metricFamily(requestsKey, ["method", "status"])

/** Counts a task accepted: on the accept path, so a map lookup and an increment (well under 1 µs). */
export const countAccepted = (type: string): Effect.Effect<void> => Metric.increment(acceptedOf(type))

const countRequest = (method: string, status: number): Effect.Effect<void> =>
  Metric.increment(requestsOf(method, String(status)))

/** Counts every request by method and final status. */
const countRequests = HttpApiBuilder.middleware(EnamelApi, (app) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    return yield* app.pipe(
      Effect.tap((response) => countRequest(request.method, response.status)),
      // Outermost (see ApiServer), it sees OpenStack's error documents as responses; a failure that
      // still gets here becomes the platform's answer, counted with that answer's status.
      Effect.tapErrorCause((cause) =>
        Effect.flatMap(HttpServerError.causeResponse(cause), ([response]) =>
          countRequest(request.method, response.status)
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
