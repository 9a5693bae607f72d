/**
 * The client's HTTP, over `@effect/platform`'s HttpClient (with `typedApi.ts`, the only modules that import
 * the platform: in Effect 4 it moves to `effect/unstable/http`). Every request goes to Enamel's base URL
 * with the session's token; a 401 makes the session authenticate again, once, and the request is sent
 * again; an error answer becomes an `EnamelClientError` here, so nothing above sees a raw response.
 */
import { FetchHttpClient, Headers, HttpClient, HttpClientRequest } from "@effect/platform"
import type { Authentication, SessionShape } from "@enamel/openstack-clients"
import { Duration, Effect, Predicate, Redacted, Stream } from "effect"
import { errorOf } from "../answers.js"
import { EnamelAuthenticationFailed, type EnamelClientError, EnamelUnreachable } from "../errors.js"

/** The header that carries the Keystone token: never written into a span, a log or an error. */
const tokenHeader = "x-auth-token"

/** How long Enamel may take to begin its answer before the call counts as unreachable. */
export const answerTimeout = Duration.seconds(60)

export interface Transport {
  /** Enamel's base URL, without a trailing slash. */
  readonly baseUrl: string
  /** An HttpClient whose requests are paths under the base URL; error answers fail it. */
  readonly client: HttpClient.HttpClient.With<EnamelClientError>
  /** A GET whose body is read as it arrives (an event stream); ends when Enamel ends it. */
  readonly stream: (
    path: string,
    headers: Readonly<Record<string, string>>
  ) => Stream.Stream<Uint8Array, EnamelClientError>
}

/** Node's fetch, the HttpClient the client uses unless given another. */
export const layerFetch = FetchHttpClient.layer

/** The messages of an error and its causes (`fetch failed: connect ECONNREFUSED …`): never a request. */
const causeWords = (cause: unknown): string => {
  const words: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 4 && Predicate.isRecord(current); depth++) {
    const message = current.message
    if (typeof message === "string" && message.length > 0) words.push(message)
    current = current.cause
  }
  return words.join(": ")
}

export const authenticationFailed =
  (authUrl: string) =>
  (error: { readonly message: string }): EnamelAuthenticationFailed =>
    new EnamelAuthenticationFailed({ authUrl, detail: error.message })

export const make = (session: SessionShape, baseUrl: string) =>
  Effect.gen(function* () {
    const base = yield* HttpClient.HttpClient
    const unreachable = (detail: string) => new EnamelUnreachable({ url: baseUrl, detail })
    const authentication = Effect.mapError(session.authentication, authenticationFailed(session.authUrl))

    const send = (request: HttpClientRequest.HttpClientRequest, auth: Authentication) =>
      base.execute(HttpClientRequest.setHeader(request, tokenHeader, Redacted.value(auth.token))).pipe(
        Effect.mapError((error) =>
          unreachable(`${error.reason}: ${causeWords(error.cause) || error.description || "no answer"}`)
        ),
        Effect.timeoutFail({
          duration: answerTimeout,
          onTimeout: () => unreachable(`no answer within ${Duration.format(answerTimeout)}`)
        }),
        // The platform writes request headers into its spans; the token's is redacted there.
        Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, tokenHeader])
      )

    const execute = Effect.fn("EnamelClient.request")(function* (
      request: HttpClientRequest.HttpClientRequest
    ) {
      const located = HttpClientRequest.prependUrl(request, baseUrl)
      const first = yield* authentication
      let response = yield* send(located, first)
      if (response.status === 401) {
        // The token expired or was revoked before the session's own renewal: one new token, one retry.
        yield* Effect.ignore(response.text)
        const fresh = yield* Effect.mapError(
          session.reauthenticate(first),
          authenticationFailed(session.authUrl)
        )
        response = yield* send(located, fresh)
      }
      if (response.status < 400) return response
      const body = yield* Effect.orElseSucceed(response.text, () => "")
      return yield* Effect.fail(
        errorOf({ url: baseUrl, status: response.status, headers: response.headers, body })
      )
    })

    const client: HttpClient.HttpClient.With<EnamelClientError> = HttpClient.makeWith(
      (request: Effect.Effect<HttpClientRequest.HttpClientRequest>) => Effect.flatMap(request, execute),
      (request) => Effect.succeed(request)
    )

    const stream = (path: string, headers: Readonly<Record<string, string>>) =>
      Stream.unwrap(
        Effect.map(execute(HttpClientRequest.get(path, { headers })), (response) =>
          Stream.mapError(response.stream, (error) =>
            unreachable(`the answer was cut: ${causeWords(error.cause) || error.reason}`)
          )
        )
      )

    const transport: Transport = { baseUrl, client, stream }
    return transport
  })
