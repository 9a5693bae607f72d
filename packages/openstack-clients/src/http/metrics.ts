import { Effect, Metric, MetricBoundaries, MetricKey, MetricLabel } from "effect"

/**
 * OpenStack calls, counted and timed where every call passes (`send`). Labels are bounded: the service,
 * the HTTP method and the status (`none` when no answer came); never a path, which carries ids.
 */
const callsKey = MetricKey.counter("enamel_openstack_calls_total", {
  description: "Calls to OpenStack services, by service, method and status (none: no answer, timed out).",
  incremental: true
})
export const openstackCalls = Metric.fromMetricKey(callsKey)

const durationKey = MetricKey.histogram(
  "enamel_openstack_call_duration_seconds",
  MetricBoundaries.fromIterable([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]),
  "How long calls to OpenStack services took, by service and method."
)
export const openstackCallDuration = Metric.fromMetricKey(durationKey)

// Each label set's metric made once from its full key (all labels bounded), so Effect caches its hook:
// `Metric.tagged` per call would cost microseconds (a new key hashed and looked up). The same idea as
// `metricFamily` of @enamel/domain, which this package cannot import.
const callCounters = new Map<string, Metric.Metric.Counter<number>>()
const callTimers = new Map<string, Metric.Metric.Histogram<number>>()

const cached = <M>(cache: Map<string, M>, key: string, make: () => M): M => {
  const found = cache.get(key)
  if (found !== undefined) return found
  const made = make()
  cache.set(key, made)
  return made
}

/** Records one call: a counter increment and a histogram update. */
export const recordCall = (
  service: string,
  method: string,
  status: number | undefined,
  durationMs: number
): Effect.Effect<void> => {
  const code = status === undefined ? "none" : String(status)
  const counter = cached(callCounters, `${service} ${method} ${code}`, () =>
    Metric.fromMetricKey(
      MetricKey.taggedWithLabels(callsKey, [
        MetricLabel.make("service", service),
        MetricLabel.make("method", method),
        MetricLabel.make("status", code)
      ])
    )
  )
  const timer = cached(callTimers, `${service} ${method}`, () =>
    Metric.fromMetricKey(
      MetricKey.taggedWithLabels(durationKey, [
        MetricLabel.make("service", service),
        MetricLabel.make("method", method)
      ])
    )
  )
  return Effect.zipRight(Metric.increment(counter), Metric.update(timer, durationMs / 1000))
}
