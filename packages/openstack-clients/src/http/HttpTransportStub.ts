import { Effect, Layer, Ref } from "effect"
import { type HttpCall, type HttpReply, HttpTransport, type TransportFailure } from "./HttpTransport.js"

/** Answers one call; a stub cloud for unit tests (no network). */
export type StubHandler = (call: HttpCall) => Effect.Effect<HttpReply, TransportFailure>

/** A JSON reply, e.g. `json(200, { server: {...} }, { "x-openstack-request-id": "req-1" })`. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: body === undefined ? "" : JSON.stringify(body)
})

export const text = (status: number, body: string, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { "content-type": "text/plain", ...headers },
  body
})

/** A transport whose calls are answered by `handler`. */
export const layer = (handler: StubHandler): Layer.Layer<HttpTransport> =>
  Layer.succeed(HttpTransport, HttpTransport.make({ send: handler }))

/** A stub transport that also keeps every call it saw, in order. */
export const recording = (handler: StubHandler) =>
  Effect.gen(function* () {
    const calls = yield* Ref.make<ReadonlyArray<HttpCall>>([])
    const transport = HttpTransport.make({
      send: (call) =>
        Effect.zipRight(
          Ref.update(calls, (seen) => [...seen, call]),
          handler(call)
        )
    })
    return { transport, calls: Ref.get(calls) }
  })
