import { ErrorCode } from "@enamel/domain"
import {
  type ApiError,
  BadRequest,
  PayloadTooLarge,
  ServiceUnavailable,
  Unauthorized
} from "@enamel/domain/contract"
import {
  type Authentication,
  Credentials,
  type Keystone,
  type OpenStackError,
  OpenStackNotFound,
  OpenStackUnauthorized
} from "@enamel/openstack-clients"
import { Clock, DateTime, Effect, Redacted, Ref, Schema } from "effect"

/**
 * Sign-in for the timeline page: a Keystone name, password and project, passed to Keystone once
 * (`POST /v3/auth/tokens`); the answer is the project-scoped token and its expiry. Enamel keeps
 * nothing: not the password, not the token. Outside the HttpApi contract (and /openapi.json): it is
 * the page's, and any other client asks Keystone itself.
 */

/** A sign-in body is small: four short strings. */
export const maxSignInBytes = 8 * 1024

const field = (name: string, max: number) =>
  Schema.String.pipe(
    Schema.minLength(1, { message: () => `${name}: must not be empty` }),
    Schema.maxLength(max, { message: () => `${name}: at most ${max} characters` })
  )

export const SignInRequest = Schema.Struct({
  username: field("username", 255),
  password: field("password", 4096),
  project: field("project", 255),
  /** The domain of both user and project; Keystone's `Default` when absent. */
  domain: Schema.optional(field("domain", 255))
})
export type SignInRequest = typeof SignInRequest.Type

/** What the page keeps in its session storage. */
export interface SignInAnswer {
  readonly token: {
    readonly id: string
    readonly expires_at: string
    readonly user: { readonly id: string; readonly name: string }
    readonly project: { readonly id: string; readonly name: string }
    readonly roles: ReadonlyArray<string>
  }
}

export const invalidCredentials = new Unauthorized({
  code: ErrorCode.authInvalidCredentials,
  detail: "Keystone refused these credentials: check the name, password, project and domain"
})

export const tooLarge = new PayloadTooLarge({
  code: ErrorCode.requestTooLarge,
  detail: `a sign-in body is at most ${maxSignInBytes} bytes`
})

const throttled = new ServiceUnavailable({
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

export const malformed = (detail: string) => new BadRequest({ code: ErrorCode.requestInvalid, detail })

/** Keystone answers 401 for a wrong password, an unknown user or a project the user has no role on. */
const fromKeystone = (error: OpenStackError): ApiError =>
  error instanceof OpenStackUnauthorized || error instanceof OpenStackNotFound
    ? invalidCredentials
    : keystoneDown

export const answerOf = (authentication: Authentication): SignInAnswer => ({
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
  Effect.fn("Ui.signIn")(function* (request: SignInRequest) {
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
