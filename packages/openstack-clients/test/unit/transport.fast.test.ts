import { createServer, type IncomingHttpHeaders } from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { HttpTransport } from "@enamel/openstack-clients"
import { Effect, Tracer } from "effect"

/** A tracer that keeps every attribute of every span, to look for leaked secrets. */
const recordingTracer = () => {
  const attributes: Array<[string, unknown]> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, _startTime, kind) => ({
      _tag: "Span",
      name,
      spanId: crypto.randomUUID(),
      traceId: "t",
      parent,
      context,
      status: { _tag: "Started", startTime: 0n },
      attributes: new Map(),
      links,
      sampled: true,
      kind,
      end: () => undefined,
      attribute: (key, value) => {
        attributes.push([key, value])
      },
      event: () => undefined,
      addLinks: () => undefined
    }),
    context: (f) => f()
  })
  return { tracer, attributes }
}

/** A local HTTP server that answers like Keystone: the token in X-Subject-Token. */
const localServer = Effect.acquireRelease(
  Effect.async<{ url: string; close: () => void; seen: Array<IncomingHttpHeaders> }>((resume) => {
    const seen: Array<IncomingHttpHeaders> = []
    const server = createServer((request, response) => {
      seen.push(request.headers)
      response.writeHead(201, {
        "content-type": "application/json",
        "x-subject-token": "gAAAA-secret-token",
        "x-openstack-request-id": "req-local"
      })
      response.end('{"ok": true}')
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(
        Effect.succeed({ url: `http://127.0.0.1:${port}/v3/auth/tokens`, close: () => server.close(), seen })
      )
    })
  }),
  (server) => Effect.sync(server.close)
)

describe("HttpTransport over fetch", () => {
  it.scoped("sends and receives over Node's fetch, and keeps tokens out of span attributes", () =>
    Effect.gen(function* () {
      const server = yield* localServer
      const { tracer, attributes } = recordingTracer()
      const transport = yield* HttpTransport.HttpTransport
      const reply = yield* transport
        .send({
          method: "POST",
          url: server.url,
          headers: { "X-Auth-Token": "gAAAA-secret-token", Accept: "application/json" },
          body: { contentType: "application/json", text: '{"auth": {}}' }
        })
        .pipe(Effect.withSpan("test"), Effect.withTracer(tracer))
      expect(reply.status).toBe(201)
      expect(reply.headers["x-openstack-request-id"]).toBe("req-local")
      expect(reply.headers["x-subject-token"]).toBe("gAAAA-secret-token")
      expect(JSON.parse(reply.body)).toEqual({ ok: true })
      expect(server.seen[0]?.["x-auth-token"]).toBe("gAAAA-secret-token")

      const headerAttributes = attributes.filter(([key]) => key.startsWith("http."))
      expect(headerAttributes.map(([key]) => key)).toEqual(
        expect.arrayContaining(["http.request.header.x-auth-token", "http.response.header.x-subject-token"])
      )
      expect(JSON.stringify(attributes)).not.toContain("gAAAA-secret-token")
    }).pipe(Effect.provide(HttpTransport.layerFetch))
  )

  it.effect("a refused connection is a TransportFailure", () =>
    Effect.gen(function* () {
      const transport = yield* HttpTransport.HttpTransport
      const failure = yield* Effect.flip(
        transport.send({ method: "GET", url: "http://127.0.0.1:1/", headers: {} })
      )
      expect(failure._tag).toBe("TransportFailure")
      expect(failure.message.length).toBeGreaterThan(0)
    }).pipe(Effect.provide(HttpTransport.layerFetch))
  )
})
