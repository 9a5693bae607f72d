/**
 * What an admission found with the caller's token, carried to the worker in the task's params
 * (`Command.carriedAdmission`), so that the flow's first stage does not read the same again a moment
 * later. Only while fresh: a task started later (queued behind others, resumed after a crash) reads
 * again. Nothing here replaces the check the action itself makes: a volume or snapshot gone in between
 * fails the stage that acts on it, and the task fails or undoes as it would have.
 */
import { Clock, Effect, Schema } from "effect"

/** How long admission's findings are used instead of reading again. */
export const FRESH_FOR_MS = 15_000

/** The findings, and when they were read (epoch milliseconds, the API's clock). */
export const Admitted = <A, I>(found: Schema.Schema<A, I>) =>
  Schema.Struct({ at: Schema.Number, found }).annotations({
    description: "what the admission found with the caller's token, used by the first stage while fresh"
  })

/** `found`, stamped with the time now. */
export const admittedNow = <A>(found: A) => Effect.map(Clock.currentTimeMillis, (at) => ({ at, found }))

/** The admission's findings while fresh, else what `read` finds now. */
export const admittedOr = <A, E, R>(
  admitted: { readonly at: number; readonly found: A } | undefined,
  read: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  admitted === undefined
    ? read
    : Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Math.abs(now - admitted.at) <= FRESH_FOR_MS ? Effect.succeed(admitted.found) : read
      )
