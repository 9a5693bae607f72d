import { HttpApiBuilder, HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { ErrorCode } from "@enamel/domain"
import {
  EnamelApi,
  ServiceUnavailable,
  type SignIn,
  TooManyRequests,
  Unauthorized
} from "@enamel/domain/contract"
import {
  type Authentication,
  Credentials,
  Keystone,
  type OpenStackError,
  OpenStackNotFound,
  OpenStackUnauthorized,
  Session
} from "@enamel/openstack-clients"
import { Clock, DateTime, Effect, Option, Redacted, Ref } from "effect"

/**
 * Sign-in for the timeline page (`POST /ui/sign-in`, the contract's `signIn` group): a Keystone name,
 * password and project, passed to Keystone once (`POST /v3/auth/tokens`); the answer is the
 * project-scoped token and its expiry. Enamel keeps nothing: not the password, not the token.
 */

export const invalidCredentials = new Unauthorized({
  code: ErrorCode.authInvalidCredentials,
  detail: "Keystone refused these credentials: check the name, password, project and domain"
})

const throttled = new TooManyRequests({
  code: ErrorCode.authSignInThrottled,
  detail: "too many sign-in attempts from this address; wait a minute"
})

const keystoneDown = new ServiceUnavailable({
  code: ErrorCode.authKeystoneUnavailable,
  detail: "Keystone cannot sign you in right now; try again shortly"
})

const notAvailable = new ServiceUnavailable({
  code: ErrorCode.serviceUnavailable,
  detail: "this Enamel cannot sign in with a password; paste a Keystone token instead"
})

/** Keystone answers 401 for a wrong password, an unknown user or a project the user has no role on. */
const fromKeystone = (error: OpenStackError): Unauthorized | ServiceUnavailable =>
  error instanceof OpenStackUnauthorized || error instanceof OpenStackNotFound
    ? invalidCredentials
    : keystoneDown

const answerOf = (authentication: Authentication): SignIn.SignInResponse => ({
  token: {
    id: Redacted.value(authentication.token),
    expires_at: DateTime.formatIso(authentication.info.expiresAt),
    user: { id: authentication.info.user.id, name: authentication.info.user.name },
    project: {
      id: authentication.info.project?.id ?? "",
      name: authentication.info.project?.name ?? ""
    },
    roles: authentication.info.roles.map((role) => role.name)
  }
})

/** Attempts a client address may make in one window, and the window. */
export const attemptsPerWindow = 10
export const windowMillis = 60_000

/**
 * A fixed window per client address: `attemptsPerWindow` sign-ins a minute, so the endpoint is not a
 * password-guessing oracle at Keystone's expense. In memory, per process (behind a balancer each node
 * counts its own); the map forgets an address whose window has passed.
 */
export const makeThrottle = Effect.map(
  Ref.make(new Map<string, { readonly start: number; readonly count: number }>()),
  (windows) => (address: string) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Ref.modify(windows, (map) => {
        const next = new Map([...map].filter(([, w]) => now - w.start < windowMillis))
        const current = next.get(address)
        const window =
          current === undefined ? { start: now, count: 1 } : { ...current, count: current.count + 1 }
        next.set(address, window)
        return [window.count <= attemptsPerWindow, next] as const
      })
    ).pipe(Effect.flatMap((allowed) => (allowed ? Effect.void : Effect.fail(throttled))))
)

/**
 * Signs in with Keystone at `authUrl`, or answers 503 when this process has no Keystone to ask (a
 * test's process with a token validator double): the page then offers the token field only.
 */
export const makeSignIn = (keystone: Keystone | undefined, authUrl: string | undefined) =>
  Effect.fn("Ui.signIn")(function* (request: SignIn.SignInRequest) {
    if (keystone === undefined || authUrl === undefined) return yield* Effect.fail(notAvailable)
    const domainName = request.domain ?? "Default"
    const authentication = yield* keystone
      .authenticate(
        authUrl,
        Credentials.Password({
          user: { name: request.username, domainName },
          password: Redacted.make(request.password),
          project: { name: request.project, domainName }
        })
      )
      .pipe(Effect.mapError(fromKeystone))
    if (authentication.info.project === undefined) return yield* Effect.fail(invalidCredentials)
    return answerOf(authentication)
  })

const clientAddress = Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
  Option.getOrElse(request.remoteAddress, () => "unknown")
)

/**
 * The handler. Keystone and the service session (for Keystone's URL) are taken when the process has
 * them (the API and the embedded process do); without them the sign-in answers 503 and the page offers
 * the token field.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "signIn", (handlers) =>
  Effect.gen(function* () {
    const keystone = Option.getOrUndefined(yield* Effect.serviceOption(Keystone))
    const session = Option.getOrUndefined(yield* Effect.serviceOption(Session))
    const signIn = makeSignIn(keystone, session?.authUrl)
    const throttle = yield* makeThrottle
    return handlers.handle("signIn", ({ payload }) =>
      Effect.flatMap(clientAddress, throttle).pipe(
        Effect.zipRight(signIn(payload)),
        // The token is the answer: no cache keeps it.
        Effect.zipLeft(
          HttpApp.appendPreResponseHandler((_request, response) =>
            Effect.succeed(HttpServerResponse.setHeader(response, "cache-control", "no-store"))
          )
        )
      )
    )
  })
)
