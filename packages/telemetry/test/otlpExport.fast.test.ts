import { createServer, type Server } from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { Tracing } from "@enamel/telemetry"
import { ConfigProvider, Effect, Layer } from "effect"

interface Collector {
  readonly url: string
  readonly received: Array<{ readonly path: string; readonly body: string }>
  readonly server: Server
}

/** A stand-in OTLP collector on a loopback port: what arrives, at which path. */
const collector = Effect.acquireRelease(
  Effect.async<Collector>((resume) => {
    const received: Array<{ path: string; body: string }> = []
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        received.push({ path: request.url ?? "", body: Buffer.concat(chunks).toString("utf8") })
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, received, server }))
    })
  }),
  (c) => Effect.sync(() => c.server.close())
)

describe("Tracing.layer with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it.scopedLive("exports Effect's spans over OTLP/HTTP to <endpoint>/v1/traces, as OTEL_SERVICE_NAME", () =>
    Effect.gen(function* () {
      const otlp = yield* collector
      const config = ConfigProvider.fromMap(
        new Map([
          ["OTEL_EXPORTER_OTLP_ENDPOINT", `${otlp.url}/`],
          ["OTEL_SERVICE_NAME", "enamel-export-test"]
        ])
      )
      // The layer's scope ends with the inner effect: the SDK flushes its batch on shutdown.
      yield* Effect.withSpan(Effect.void, "exported-span", { attributes: { "enamel.task_id": "t-1" } }).pipe(
        Effect.provide(Tracing.layer("enamel-default").pipe(Layer.provide(Layer.setConfigProvider(config))))
      )
      const traces = otlp.received.filter((r) => r.path === "/v1/traces")
      expect(traces.length).toBeGreaterThan(0)
      const body = traces.map((r) => r.body).join("\n")
      expect(body).toContain("exported-span")
      expect(body).toContain("enamel-export-test")
      expect(body).toContain("t-1")
    })
  )
})
