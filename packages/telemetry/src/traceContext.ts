import { Effect, Option, Tracer } from "effect"

/**
 * W3C trace context (`traceparent`) as a plain string, for the places where a trace crosses something
 * that is not an HTTP call: the outbox row written by the API and read later by a relay in another fiber
 * or process, and the AMQP message the relay publishes for a worker. Core Effect only: works with Effect's
 * own tracer (no exporter: trace ids still join the logs of the API and the worker) and with OpenTelemetry.
 */

const traceIdPattern = /^[0-9a-f]{32}$/
const spanIdPattern = /^[0-9a-f]{16}$/
const zeroTraceId = "0".repeat(32)
const zeroSpanId = "0".repeat(16)

/** `00-<trace id>-<span id>-<flags>` for a span (version 00; flag 01 when sampled). */
export const format = (span: Tracer.AnySpan): string =>
  `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`

/** The span a `traceparent` names, as a remote parent; none when it is absent or malformed. */
export const parse = (traceparent: string | null | undefined): Option.Option<Tracer.ExternalSpan> => {
  if (traceparent === null || traceparent === undefined) return Option.none()
  const parts = traceparent.trim().toLowerCase().split("-")
  if (parts.length < 4) return Option.none()
  const [version, traceId, spanId, flags] = parts
  if (version !== "00" || parts.length !== 4) return Option.none()
  if (traceId === undefined || spanId === undefined || flags === undefined) return Option.none()
  if (!traceIdPattern.test(traceId) || !spanIdPattern.test(spanId) || !/^[0-9a-f]{2}$/.test(flags))
    return Option.none()
  if (traceId === zeroTraceId || spanId === zeroSpanId) return Option.none()
  return Option.some(
    Tracer.externalSpan({ traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 })
  )
}

/** The current span's `traceparent`, or null outside any span. */
export const current: Effect.Effect<string | null> = Effect.map(Effect.currentParentSpan, (span) =>
  format(span)
).pipe(Effect.orElseSucceed(() => null))

/**
 * Runs `effect` as a continuation of the trace a `traceparent` names (its spans become children of
 * that remote span); unchanged when there is none.
 */
export const continuing =
  (traceparent: string | null | undefined) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Option.match(parse(traceparent), {
      onNone: () => effect,
      onSome: (parent) => Effect.withParentSpan(effect, parent)
    })
