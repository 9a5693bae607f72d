import { Effect, Either, Redacted, type Schema, SynchronizedRef } from "effect"
import { type OpenStackError, OpenStackUnexpectedResponse } from "../errors.js"
import { Session } from "../identity/Session.js"
import type { Authentication } from "../identity/tokens.js"
import { decodeJsonReply } from "./decode.js"
import { type HttpMethod, type HttpReply, HttpTransport } from "./HttpTransport.js"
import { type MicroversionRange, negotiate, VersionDocument, versionRootOf } from "./microversion.js"
import { transientReadRetry } from "./retry.js"
import { send } from "./send.js"
import { joinUrl, type Query, withQuery } from "./url.js"

/** One OpenStack service as the clients see it. */
export interface ServiceDescriptor {
  /** The name in errors and the request log: `nova`, `neutron`, ... */
  readonly name: string
  /** The catalog type: `compute`, `network`, `volumev3`, `image`, `key-manager`, `identity`. */
  readonly type: string
  /** Appended to the catalog URL when the catalog lists the service root: `v2.0` for Neutron. */
  readonly pathPrefix?: string
  readonly microversions?: MicroversionRange
}

export interface ApiRequest {
  readonly method: HttpMethod
  /** Relative to the service root (catalog URL + prefix), or an absolute URL such as a `next` link. */
  readonly path: string
  readonly query?: Query
  readonly json?: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** The Accept header; `application/json` unless told otherwise. */
  readonly accept?: string
}

export interface ServiceApi {
  readonly descriptor: ServiceDescriptor
  /** The service root in the current session's catalog. */
  readonly root: Effect.Effect<string, OpenStackError, Session>
  /** The negotiated microversion (`undefined` for services without microversions). */
  readonly microversion: Effect.Effect<string | undefined, OpenStackError, Session>
  readonly execute: (request: ApiRequest) => Effect.Effect<HttpReply, OpenStackError, Session>
  readonly json: <A, I>(
    request: ApiRequest,
    schema: Schema.Schema<A, I>
  ) => Effect.Effect<A, OpenStackError, Session>
  readonly discard: (request: ApiRequest) => Effect.Effect<void, OpenStackError, Session>
}

const isAbsolute = (path: string): boolean => /^https?:\/\//i.test(path)

/**
 * The session-bound caller of one service: resolves the endpoint from the catalog, sends the token and
 * the negotiated microversion, re-authenticates once on 401, and retries idempotent reads after an
 * outage with `transientReadRetry`.
 */
export const makeServiceApi = (
  descriptor: ServiceDescriptor
): Effect.Effect<ServiceApi, never, HttpTransport> =>
  Effect.gen(function* () {
    const transport = yield* HttpTransport
    const negotiated = yield* SynchronizedRef.make(new Map<string, string>())

    const root = Effect.flatMap(Session, (session) => session.endpoint(descriptor.type)).pipe(
      Effect.map((endpoint) =>
        descriptor.pathPrefix === undefined ? endpoint : joinUrl(endpoint, descriptor.pathPrefix)
      )
    )

    const authenticated = (url: string, request: ApiRequest, headers: Readonly<Record<string, string>>) =>
      Effect.gen(function* () {
        const session = yield* Session
        const attempt = (authentication: Authentication) =>
          send(transport, descriptor.name, {
            method: request.method,
            url,
            headers: {
              Accept: request.accept ?? "application/json",
              ...headers,
              ...request.headers,
              "X-Auth-Token": Redacted.value(authentication.token)
            },
            ...(request.json === undefined
              ? {}
              : { body: { contentType: "application/json", text: JSON.stringify(request.json) } })
          })
        const once = Effect.flatMap(session.authentication, (authentication) =>
          attempt(authentication).pipe(
            Effect.catchTag("OpenStackUnauthorized", () =>
              Effect.flatMap(session.reauthenticate(authentication), attempt)
            )
          )
        )
        return yield* request.method === "GET" || request.method === "HEAD"
          ? Effect.retry(once, transientReadRetry)
          : once
      })

    const range = descriptor.microversions
    const negotiateAt = (versionRoot: string, wanted: MicroversionRange) =>
      SynchronizedRef.modifyEffect(negotiated, (known) => {
        const cached = known.get(versionRoot)
        if (cached !== undefined) return Effect.succeed([cached, known] as const)
        return authenticated(versionRoot, { method: "GET", path: versionRoot }, {}).pipe(
          Effect.flatMap(decodeJsonReply(descriptor.name, VersionDocument)),
          Effect.flatMap((document) =>
            Either.match(negotiate(wanted, document, versionRoot), {
              onLeft: (message) =>
                Effect.fail(new OpenStackUnexpectedResponse({ service: descriptor.name, message })),
              onRight: (version) =>
                Effect.succeed([version, new Map([...known, [versionRoot, version]])] as const)
            })
          )
        )
      })

    /** Negotiated once per version root (read from its version document), then cached. */
    const microversion: Effect.Effect<string | undefined, OpenStackError, Session> =
      range === undefined
        ? Effect.succeed(undefined)
        : Effect.flatMap(root, (endpoint) => negotiateAt(versionRootOf(endpoint), range))

    const execute = (request: ApiRequest) =>
      Effect.gen(function* () {
        const url = withQuery(
          isAbsolute(request.path) ? request.path : joinUrl(yield* root, request.path),
          request.query
        )
        const version = yield* microversion
        const headers =
          range === undefined || version === undefined
            ? {}
            : { "OpenStack-API-Version": `${range.headerService} ${version}` }
        return yield* authenticated(url, request, headers)
      })

    return {
      descriptor,
      root,
      microversion,
      execute,
      json: (request, schema) => Effect.flatMap(execute(request), decodeJsonReply(descriptor.name, schema)),
      discard: (request) => Effect.asVoid(execute(request))
    }
  })
