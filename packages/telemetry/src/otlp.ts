/**
 * The OpenTelemetry SDK side: loaded only when traces are exported (see Tracing.ts), so a process
 * without OTEL_EXPORTER_OTLP_ENDPOINT never loads it. The one module that imports `@opentelemetry/*`
 * and `@effect/opentelemetry` besides the test helpers.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import type { Layer } from "effect"

/** Effect's spans, through OpenTelemetry's SDK, to `exporter`; batched unless `immediate` (tests). */
export const layerExporter = (
  exporter: SpanExporter,
  serviceName: string,
  options: { readonly immediate?: boolean } = {}
): Layer.Layer<never> =>
  NodeSdk.layer(() => ({
    resource: { serviceName },
    spanProcessor:
      options.immediate === true ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)
  }))

/** OTLP over HTTP (protobuf-free JSON) to `<endpoint>/v1/traces`, as OTEL_EXPORTER_OTLP_ENDPOINT means. */
export const layerOtlp = (endpoint: string, serviceName: string): Layer.Layer<never> =>
  layerExporter(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, "")}/v1/traces` }), serviceName)
