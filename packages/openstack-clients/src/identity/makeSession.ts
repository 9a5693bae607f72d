import {
  Clock,
  DateTime,
  Duration,
  Effect,
  Layer,
  Option,
  Redacted,
  type Scope,
  SynchronizedRef
} from "effect"
import { ClientSettings } from "../ClientSettings.js"
import { HttpTransport } from "../http/HttpTransport.js"
import { send } from "../http/send.js"
import { joinUrl } from "../http/url.js"
import type { Credentials } from "./Credentials.js"
import { type EndpointInterface, selectEndpoint } from "./catalog.js"
import { Session, type SessionShape } from "./Session.js"
import { type Authentication, keystone, requestToken } from "./tokens.js"

export interface SessionOptions {
  /** Keystone's v3 root, e.g. `http://127.0.0.1:5000/v3`. */
  readonly authUrl: string
  readonly credentials: Credentials
  /** Which catalog endpoints to use; `public` unless told otherwise. */
  readonly interface?: EndpointInterface
  /** Which region's endpoints to use; any region when absent. */
  readonly region?: string
  /** Revoke the session's token when its scope closes (a short-lived task's token should not outlive it). */
  readonly revokeOnClose?: boolean
}

/**
 * How long before expiry a token is replaced: the configured margin, but never more than a quarter of
 * the token's lifetime (a cloud with 60 s tokens would otherwise re-authenticate on every call).
 */
export const refreshMargin = (configured: Duration.Duration, lifetimeMillis: number): number =>
  Math.min(Duration.toMillis(configured), Math.max(0, lifetimeMillis) / 4)

const revoke = (transport: HttpTransport, authUrl: string, authentication: Authentication) =>
  send(transport, keystone, {
    method: "DELETE",
    url: joinUrl(authUrl, "auth/tokens"),
    headers: {
      "X-Auth-Token": Redacted.value(authentication.token),
      "X-Subject-Token": Redacted.value(authentication.token)
    }
  })

/**
 * A session that authenticates lazily (on first use), re-authenticates when the token is within the
 * refresh margin of its expiry, and once more when a service answers 401 (see `reauthenticate`).
 * Lives as long as its scope.
 */
export const make = (
  options: SessionOptions
): Effect.Effect<SessionShape, never, HttpTransport | Scope.Scope> =>
  Effect.gen(function* () {
    const transport = yield* HttpTransport
    const settings = yield* ClientSettings
    const state = yield* SynchronizedRef.make(Option.none<Authentication>())
    const iface = options.interface ?? "public"

    const authenticate = requestToken(transport, options.authUrl, options.credentials).pipe(
      Effect.map((fresh) => [fresh, Option.some(fresh)] as const)
    )

    const isFresh = (current: Authentication) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const expires = DateTime.toEpochMillis(current.info.expiresAt)
        const lifetime = expires - DateTime.toEpochMillis(current.info.issuedAt)
        return expires - now > refreshMargin(settings.tokenRefreshMargin, lifetime)
      })

    const authentication = SynchronizedRef.modifyEffect(state, (held) =>
      Option.match(held, {
        onNone: () => authenticate,
        onSome: (current) =>
          Effect.flatMap(isFresh(current), (fresh) =>
            fresh ? Effect.succeed([current, held] as const) : authenticate
          )
      })
    ).pipe(Effect.withSpan("Session.authentication"))

    const reauthenticate = (refused: Authentication) =>
      SynchronizedRef.modifyEffect(state, (held) =>
        Option.isSome(held) && held.value !== refused
          ? Effect.succeed([held.value, held] as const)
          : authenticate
      ).pipe(Effect.withSpan("Session.reauthenticate"))

    if (options.revokeOnClose === true) {
      yield* Effect.addFinalizer(() =>
        SynchronizedRef.get(state).pipe(
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.void,
              onSome: (current) => Effect.ignore(revoke(transport, options.authUrl, current))
            })
          )
        )
      )
    }

    return Session.of({
      authUrl: options.authUrl,
      interface: iface,
      region: options.region,
      authentication,
      reauthenticate,
      endpoint: (serviceType) =>
        Effect.flatMap(authentication, (current) =>
          selectEndpoint(current.catalog, { serviceType, interface: iface, region: options.region })
        )
    })
  })

/** The Session for a layer graph, e.g. the service user's session of the worker. */
export const layer = (options: SessionOptions): Layer.Layer<Session, never, HttpTransport> =>
  Layer.scoped(Session, make(options))
