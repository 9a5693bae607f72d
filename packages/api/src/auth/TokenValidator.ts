import { ErrorCode } from "@enamel/domain"
import { type Caller, ServiceUnavailable, Unauthorized } from "@enamel/domain/contract"
import { Cache, Clock, Context, DateTime, Duration, Effect, Exit, Layer, Redacted } from "effect"

/** Turns an `X-Auth-Token` into the caller it belongs to, or says why not. */
export class TokenValidator extends Context.Tag("@enamel/api/TokenValidator")<
  TokenValidator,
  {
    readonly validate: (
      token: Redacted.Redacted<string>
    ) => Effect.Effect<Caller, Unauthorized | ServiceUnavailable>
  }
>() {}

export const invalidToken = new Unauthorized({
  code: ErrorCode.authInvalidToken,
  detail: "the X-Auth-Token is missing, invalid or expired"
})

/**
 * Remembers each token's caller for `ttl` (and never past the token's expiry), so the accept path makes
 * no Keystone round trip for a token it has seen. Failures are not remembered, except "invalid", briefly.
 */
export const cached = (ttl: Duration.DurationInput, capacity = 50_000) =>
  Layer.effect(
    TokenValidator,
    Effect.gen(function* () {
      const inner = yield* TokenValidator
      const cache = yield* Cache.makeWith({
        capacity,
        lookup: (token: string) => inner.validate(Redacted.make(token)),
        timeToLive: (exit: Exit.Exit<Caller, Unauthorized | ServiceUnavailable>) =>
          Exit.isSuccess(exit)
            ? Duration.min(
                ttl,
                Duration.millis(Math.max(0, DateTime.toEpochMillis(exit.value.expiresAt) - Date.now()))
              )
            : exit.cause._tag === "Fail" && exit.cause.error instanceof Unauthorized
              ? Duration.seconds(5)
              : Duration.zero
      })
      return TokenValidator.of({
        validate: (token) =>
          Effect.gen(function* () {
            const caller = yield* cache.get(Redacted.value(token))
            const now = yield* Clock.currentTimeMillis
            if (DateTime.toEpochMillis(caller.expiresAt) <= now) return yield* invalidToken
            return caller
          })
      })
    })
  )

/** For tests without Keystone: a fixed table of tokens. */
export const layerStatic = (callers: ReadonlyMap<string, Caller>) =>
  Layer.succeed(
    TokenValidator,
    TokenValidator.of({
      validate: (token) => {
        const caller = callers.get(Redacted.value(token))
        return caller === undefined ? Effect.fail(invalidToken) : Effect.succeed(caller)
      }
    })
  )

export { ServiceUnavailable }
