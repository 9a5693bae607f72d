import { Effect, Option } from "effect"

/** A look-up whose 404 is an answer, not a failure: some when found, none when OpenStack says not found. */
export const orNone = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.map(Option.some),
    Effect.catchIf(
      (error) => error._tag === "OpenStackNotFound",
      () => Effect.succeedNone
    )
  )
