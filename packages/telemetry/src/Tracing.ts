import { Config, Effect, Layer, Option } from "effect"

/**
 * Where traces go. OTEL_EXPORTER_OTLP_ENDPOINT (e.g. `http://collector:4318`) turns on exporting Effect's
 * spans over OTLP/HTTP to `<endpoint>/v1/traces`, as service OTEL_SERVICE_NAME (default: the process's
 * own name, `enamel-api`, `enamel-worker`, `enamel`). Unset, this layer is empty: no OpenTelemetry module
 * is even loaded, and Effect's own tracer keeps giving spans their ids (logs and the outbox carry them).
 */
export const endpoint = Config.option(Config.nonEmptyString("OTEL_EXPORTER_OTLP_ENDPOINT"))

export const serviceName = (processName: string) =>
  Config.string("OTEL_SERVICE_NAME").pipe(Config.withDefault(processName))

/** The process's tracing: OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, nothing otherwise. */
export const layer = (processName: string): Layer.Layer<never, never> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const url = yield* endpoint
      if (Option.isNone(url)) return Layer.empty
      const name = yield* serviceName(processName)
      const otlp = yield* Effect.promise(() => import("./otlp.js"))
      yield* Effect.logInfo(`exporting traces to ${url.value} as ${name}`)
      return otlp.layerOtlp(url.value, name)
    }).pipe(Effect.orDie)
  )
