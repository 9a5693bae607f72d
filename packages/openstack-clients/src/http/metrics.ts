import { Effect, Metric, MetricBoundaries, MetricLabel } from "effect"

/**
 * OpenStack calls, counted and timed where every call passes (`send`). Labels are bounded: the service,
 * the HTTP method and the status (`none` when no answer came); never a path, which carries ids.
 */
export const openstackCalls = Metric.counter("enamel_openstack_calls_total", {
  description: "Calls to OpenStack services, by service, method and status (none: no answer, timed out).",
  incremental: true
})

export const openstackCallDuration = Metric.histogram(
  "enamel_openstack_call_duration_seconds",
  MetricBoundaries.fromIterable([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]),
  "How long calls to OpenStack services took, by service and method."
)

/** Records one call: a counter increment and a histogram update, a few microseconds. */
export const recordCall = (
  service: string,
  method: string,
  status: number | undefined,
  durationMs: number
): Effect.Effect<void> => {
  const service_ = MetricLabel.make("service", service)
  const method_ = MetricLabel.make("method", method)
  return Effect.zipRight(
    Metric.increment(
      Metric.taggedWithLabels(openstackCalls, [
        service_,
        method_,
        MetricLabel.make("status", status === undefined ? "none" : String(status))
      ])
    ),
    Metric.update(Metric.taggedWithLabels(openstackCallDuration, [service_, method_]), durationMs / 1000)
  )
}
