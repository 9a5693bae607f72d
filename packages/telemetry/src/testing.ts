/**
 * For tests: Effect's spans collected in memory through the same OpenTelemetry SDK path as the OTLP
 * export (NodeSdk, a span processor), exported at once when each span ends.
 */
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base"
import type { Layer } from "effect"
import { layerExporter } from "./otlp.js"

export type { ReadableSpan }

export const makeInMemory = (serviceName = "enamel-test") => {
  const exporter = new InMemorySpanExporter()
  const layer: Layer.Layer<never> = layerExporter(exporter, serviceName, { immediate: true })
  return {
    layer,
    spans: (): ReadonlyArray<ReadableSpan> => exporter.getFinishedSpans(),
    reset: () => exporter.reset()
  }
}
