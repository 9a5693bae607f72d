import { describe, expect, it } from "@effect/vitest"
import { TraceContext, Tracing } from "@enamel/telemetry"
import { makeInMemory } from "@enamel/telemetry/testing"
import { ConfigProvider, Effect, Layer, Option } from "effect"

const sample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

describe("TraceContext (W3C traceparent through the outbox and the broker)", () => {
  it("parses a traceparent into a remote parent span, and formats a span back", () => {
    const parent = Option.getOrThrow(TraceContext.parse(sample))
    expect([parent.traceId, parent.spanId, parent.sampled]).toEqual([
      "4bf92f3577b34da6a3ce929d0e0e4736",
      "00f067aa0ba902b7",
      true
    ])
    expect(TraceContext.format(parent)).toBe(sample)
    expect(Option.getOrThrow(TraceContext.parse(sample.replace(/01$/, "00"))).sampled).toBe(false)
  })

  it.each([
    ["absent", null],
    ["empty", ""],
    ["another version", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["a short trace id", "00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01"],
    ["a zero trace id", `00-${"0".repeat(32)}-00f067aa0ba902b7-01`],
    ["a zero span id", `00-4bf92f3577b34da6a3ce929d0e0e4736-${"0".repeat(16)}-01`],
    ["not hex", "00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01"],
    ["extra parts", `${sample}-xx`]
  ])("ignores %s", (_what, value) => {
    expect(Option.isNone(TraceContext.parse(value))).toBe(true)
  })

  it.effect("the current span's traceparent; null outside any span", () =>
    Effect.gen(function* () {
      expect(yield* TraceContext.current).toBeNull()
      const [inside, span] = yield* Effect.withSpan(
        Effect.zip(TraceContext.current, Effect.orDie(Effect.currentSpan)),
        "outer"
      )
      expect(inside).toBe(`00-${span.traceId}-${span.spanId}-01`)
    })
  )

  it.effect("continuing a traceparent makes the spans within children of the remote span", () =>
    Effect.gen(function* () {
      const span = yield* Effect.withSpan(Effect.orDie(Effect.currentSpan), "task").pipe(
        TraceContext.continuing(sample)
      )
      expect(span.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736")
      expect(Option.map(span.parent, (p) => p.spanId)).toEqual(Option.some("00f067aa0ba902b7"))
      const untouched = yield* Effect.withSpan(Effect.orDie(Effect.currentSpan), "task").pipe(
        TraceContext.continuing("garbage")
      )
      expect(untouched.traceId).not.toBe("4bf92f3577b34da6a3ce929d0e0e4736")
    })
  )
})

describe("Tracing.layer", () => {
  const withEnv = (entries: ReadonlyArray<readonly [string, string]>) =>
    Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries)))

  it.effect("without OTEL_EXPORTER_OTLP_ENDPOINT: no tracer layer at all (Effect's own tracer stays)", () =>
    Effect.gen(function* () {
      const before = yield* Effect.tracer
      const during = yield* Effect.tracer.pipe(
        Effect.provide(Tracing.layer("enamel-test").pipe(Layer.provide(withEnv([]))))
      )
      expect(during).toBe(before)
    })
  )

  it.effect("with OTEL_EXPORTER_OTLP_ENDPOINT: spans go through OpenTelemetry", () =>
    Effect.gen(function* () {
      const before = yield* Effect.tracer
      const during = yield* Effect.tracer.pipe(
        Effect.provide(
          Tracing.layer("enamel-test").pipe(
            Layer.provide(withEnv([["OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/"]]))
          )
        )
      )
      expect(during).not.toBe(before)
    })
  )

  it.effect("the in-memory exporter sees Effect's spans with their parents", () =>
    Effect.gen(function* () {
      const traces = makeInMemory()
      const names = yield* Effect.withSpan(Effect.withSpan(Effect.void, "child"), "parent").pipe(
        Effect.zipRight(
          Effect.sync(() =>
            traces.spans().map((s) => [s.name, s.parentSpanContext?.spanId === undefined ? "root" : "child"])
          )
        ),
        Effect.provide(traces.layer)
      )
      expect(names).toEqual([
        ["child", "child"],
        ["parent", "root"]
      ])
    })
  )
})
