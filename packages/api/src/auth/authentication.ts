import { Authentication } from "@enamel/domain/contract"
import { Effect, Layer, Redacted } from "effect"
import { invalidToken, TokenValidator } from "./TokenValidator.js"

/** Implements the contract's Authentication middleware with whichever TokenValidator is provided. */
export const layer = Layer.effect(
  Authentication,
  Effect.map(TokenValidator, (validator) =>
    Authentication.of({
      keystone: (token) =>
        Redacted.value(token).length === 0 ? Effect.fail(invalidToken) : validator.validate(token)
    })
  )
)
