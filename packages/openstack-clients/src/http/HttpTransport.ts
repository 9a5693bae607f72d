/**
 * The one module that talks to `@effect/platform`'s HTTP client. Everything above it speaks in plain
 * `HttpCall` / `HttpReply` values, so moving to Effect 4 (`effect/unstable/http`) touches only this file.
 */
import { FetchHttpClient, Headers, HttpClient, HttpClientRequest } from "@effect/platform"
import { Data, Effect, Layer } from "effect"

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD"

export interface HttpCall {
  readonly method: HttpMethod
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: { readonly contentType: string; readonly text: string }
}

export interface HttpReply {
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** No response arrived: connection refused or reset, DNS failure, malformed URL. */
export class TransportFailure extends Data.TaggedError("TransportFailure")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** Headers that carry Keystone tokens: never written into spans or logs. */
export const secretHeaderNames: ReadonlyArray<string> = ["x-auth-token", "x-subject-token"]

const toRequest = (call: HttpCall): HttpClientRequest.HttpClientRequest => {
  const request = HttpClientRequest.make(call.method)(call.url, { headers: call.headers })
  return call.body === undefined
    ? request
    : HttpClientRequest.bodyText(request, call.body.text, call.body.contentType)
}

export class HttpTransport extends Effect.Service<HttpTransport>()(
  "@enamel/openstack-clients/HttpTransport",
  {
    effect: Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const send = (call: HttpCall): Effect.Effect<HttpReply, TransportFailure> =>
        client.execute(toRequest(call)).pipe(
          Effect.flatMap((response) =>
            Effect.map(
              response.text,
              (body): HttpReply => ({ status: response.status, headers: { ...response.headers }, body })
            )
          ),
          Effect.mapError((error) => new TransportFailure({ message: error.message, cause: error })),
          Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, ...secretHeaderNames])
        )
      return { send }
    })
  }
) {}

/** The transport over Node's built-in fetch: what the library uses unless told otherwise. */
export const layerFetch: Layer.Layer<HttpTransport> = HttpTransport.Default.pipe(
  Layer.provide(FetchHttpClient.layer)
)
