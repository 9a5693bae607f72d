import { HttpRouter } from "@effect/platform"
import { Authentication } from "@enamel/domain/contract"
import { Effect, Layer, Redacted } from "effect"
import { Policy } from "../policy/Policy.js"
import { invalidToken, TokenValidator } from "./TokenValidator.js"

/**
 * Implements the contract's Authentication middleware with whichever TokenValidator is provided, and
 * enforces the policy rule the endpoint names (403 `policy.forbidden` naming it) before any handler runs.
 */
export const layer = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const validator = yield* TokenValidator
    const policy = yield* Policy
    return Authentication.of({
      keystone: (token) =>
        Effect.gen(function* () {
          const caller =
            Redacted.value(token).length === 0 ? yield* invalidToken : yield* validator.validate(token)
          const { route } = yield* HttpRouter.RouteContext
          yield* policy.enforceRoute(route.method, route.path, caller)
          return caller
        })
    })
  })
)
