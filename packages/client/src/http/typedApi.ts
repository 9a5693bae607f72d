/**
 * The typed calls of Enamel's API, derived from the HttpApi contract with `HttpApiClient`: one per
 * endpoint of every group (`api.porcelain.createServers`, `api.tasks.getTask`, …), so a task type added
 * to the registry has its call here with no change. Each call fails only with `EnamelClientError`.
 */
import {
  type HttpApi,
  HttpApiClient,
  type HttpApiEndpoint,
  type HttpApiGroup,
  type HttpClient,
  HttpClientError
} from "@effect/platform"
import { EnamelApi } from "@enamel/domain/contract"
import { Effect, ParseResult, Predicate } from "effect"
import type { Simplify } from "effect/Types"
import {
  type EnamelClientError,
  EnamelInvalidRequest,
  EnamelUnexpectedAnswer,
  EnamelUnreachable,
  isEnamelClientError
} from "../errors.js"

type Groups<Api> = Api extends HttpApi.HttpApi<infer _Id, infer G, infer _E, infer _R> ? G : never

/**
 * A request whose query parameters are all optional may leave `urlParams` out (a porcelain command's
 * `dry_run` is one: `{ payload, headers }` still makes the task).
 */
type QueryOptional<Request> = Request extends { readonly urlParams: infer Q }
  ? {} extends Q
    ? Simplify<Omit<Request, "urlParams"> & { readonly urlParams?: Q }>
    : Request
  : Request

/**
 * The answer to a request: a dry run's plan when it asks `dry_run: true`, the task (or the read) when it
 * does not ask at all or asks `false`, either when that is only known when it runs (`dry_run?: boolean`).
 */
type Answer<Success, Request> = Request extends { readonly urlParams: { readonly dry_run: true } }
  ? Extract<Success, { readonly dry_run: unknown }>
  : Request extends { readonly urlParams: { readonly dry_run?: false | undefined } }
    ? Exclude<Success, { readonly dry_run: unknown }>
    : Request extends { readonly urlParams: { readonly dry_run?: boolean | undefined } }
      ? Success
      : Exclude<Success, { readonly dry_run: unknown }>

/** One endpoint's call: its request as `HttpApiClient` takes it, its success, and the client's errors. */
type Call<Endpoint> =
  Endpoint extends HttpApiEndpoint.HttpApiEndpoint<
    infer _Name,
    infer _Method,
    infer Path,
    infer UrlParams,
    infer Payload,
    infer Headers,
    infer Success,
    infer _Error,
    infer _R,
    infer _RE
  >
    ? CallOf<
        QueryOptional<
          Simplify<HttpApiEndpoint.HttpApiEndpoint.ClientRequest<Path, UrlParams, Payload, Headers, false>>
        >,
        Success
      >
    : never

/** A call that may be made with no request when its endpoint takes none. */
type CallOf<Taken, Success> = undefined extends Taken
  ? <Request extends Taken = Taken>(
      request?: Request
    ) => Effect.Effect<Answer<Success, Request>, EnamelClientError>
  : <Request extends Taken>(request: Request) => Effect.Effect<Answer<Success, Request>, EnamelClientError>

/** `HttpApiClient.Client` of the contract, with every failure an `EnamelClientError`. */
export type EnamelApiClient = {
  readonly [Group in Extract<
    Groups<typeof EnamelApi>,
    { readonly topLevel: false }
  > as HttpApiGroup.HttpApiGroup.Name<Group>]: {
    readonly [Endpoint in HttpApiGroup.HttpApiGroup.Endpoints<Group> as HttpApiEndpoint.HttpApiEndpoint.Name<Endpoint>]: Call<Endpoint>
  }
}

/** Any call, as the wrapping below handles them before they are given their own types back. */
type SomeCall<E> = (request: never) => Effect.Effect<unknown, E>
/**
 * A derived call as the wrapping below passes a request on (given `urlParams` when it has none): a
 * method's parameter is compared both ways, so each derived call, whatever its request, is one.
 */
interface DerivedCall {
  call(request: object | undefined): Effect.Effect<unknown, unknown>
}

/** The request with `urlParams: {}` when it leaves them out (see `QueryOptional`). */
const withQuery = (request: unknown): object | undefined =>
  Predicate.isRecord(request)
    ? request.urlParams === undefined
      ? { ...request, urlParams: {} }
      : request
    : undefined
type SomeClient<E> = Readonly<Record<string, Readonly<Record<string, SomeCall<E>>>>>

/** How many characters of a decoding failure an error quotes. */
const shortly = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text)

/**
 * Where a value fails its schema and why, without the value itself: a request's `user_data`, or a task's
 * params in an answer, may hold what its user would not see printed.
 */
const problemsOf = (error: ParseResult.ParseError): string =>
  shortly(
    ParseResult.ArrayFormatter.formatErrorSync(error)
      .map((issue) => {
        const where = issue.path.length === 0 ? "(whole)" : issue.path.map(String).join(".")
        return `${where}: ${issue.message.replace(/,? actual [\s\S]*$/, "")}`
      })
      .join("; ")
  )

/** A success answer the contract does not describe, or one cut while its body was read. */
const answerError = (error: unknown): unknown => {
  if (ParseResult.isParseError(error)) {
    return new EnamelUnexpectedAnswer({
      detail: `the answer does not match the contract: ${problemsOf(error)}`
    })
  }
  if (HttpClientError.isHttpClientError(error) && error._tag === "ResponseError") {
    const status = error.response.status
    const requestId = error.response.headers["x-openstack-request-id"]
    const unreadable = error.reason === "Decode" && !(error.cause instanceof SyntaxError)
    if (unreadable) {
      return new EnamelUnreachable({
        url: error.request.url,
        detail: "the answer was cut while it was read"
      })
    }
    return new EnamelUnexpectedAnswer({
      status,
      detail: `${error.reason}: ${error.description ?? "an answer the contract does not describe"}`,
      ...(requestId === undefined ? {} : { requestId })
    })
  }
  return error
}

/**
 * What is left once transport and answers are read (`transport.ts`, `answerError`): a request the
 * contract's schemas refuse to encode, which was therefore not sent.
 */
const requestError = (error: unknown): EnamelClientError => {
  if (isEnamelClientError(error)) return error
  if (ParseResult.isParseError(error)) {
    return new EnamelInvalidRequest({ detail: problemsOf(error) })
  }
  if (HttpClientError.isHttpClientError(error)) {
    return new EnamelInvalidRequest({ detail: `${error.reason}: ${error.description ?? "cannot be sent"}` })
  }
  return new EnamelUnexpectedAnswer({ detail: shortly(String(error)) })
}

/** Whether every endpoint of the contract has its call: what lets the wrapped client have its types. */
const isEnamelApiClient = (client: SomeClient<EnamelClientError>): client is EnamelApiClient =>
  Object.values(EnamelApi.groups).every(
    (group) =>
      group.topLevel ||
      Object.keys(group.endpoints).every((name) => Predicate.isFunction(client[group.identifier]?.[name]))
  )

/** The typed calls, over an HttpClient that already turns error answers into `EnamelClientError`s. */
export const make = (httpClient: HttpClient.HttpClient.With<EnamelClientError>) =>
  Effect.gen(function* () {
    const derived: Readonly<Record<string, Readonly<Record<string, DerivedCall["call"]>>>> =
      yield* HttpApiClient.makeWith(EnamelApi, {
        httpClient,
        transformResponse: (effect) => Effect.mapError(effect, answerError)
      })
    const wrapped: Record<string, Record<string, SomeCall<EnamelClientError>>> = {}
    for (const [group, calls] of Object.entries(derived)) {
      const own: Record<string, SomeCall<EnamelClientError>> = {}
      for (const [name, call] of Object.entries(calls)) {
        own[name] = (request) =>
          Effect.mapError(
            Effect.suspend(() => call(withQuery(request))),
            requestError
          )
      }
      wrapped[group] = own
    }
    if (!isEnamelApiClient(wrapped)) {
      return yield* Effect.dieMessage("the client derived from the contract lacks some of its endpoints")
    }
    return wrapped
  })
