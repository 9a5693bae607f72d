import { Effect, Option, Predicate } from "effect"
import type { StageContext } from "../../flow/Stage.js"

/** A failure after which the create may or may not have happened: the request may have reached the cloud. */
const isAmbiguous = (error: unknown): boolean =>
  Predicate.isTagged(error, "OpenStackTimeout") || Predicate.isTagged(error, "OpenStackServiceUnavailable")

/**
 * Creates something at most once per stage, however often the stage runs:
 * - on a later attempt (a retry, or a re-run after a crash) it first looks for what an earlier attempt
 *   made, by the stage's token, and adopts it;
 * - when the create itself ends ambiguously (no answer, 5xx), it looks once more before failing.
 * The first attempt skips the look-up: nothing can exist yet, and that keeps the usual path fast.
 */
export const adoptOrCreate = <A, E, R, E2, R2>(
  context: StageContext,
  find: Effect.Effect<Option.Option<A>, E2, R2>,
  create: Effect.Effect<A, E, R>
): Effect.Effect<A, E | E2, R | R2> => {
  const createOnce = create.pipe(
    Effect.catchIf(isAmbiguous, (error) =>
      Effect.flatMap(find, Option.match({ onNone: () => Effect.fail(error), onSome: Effect.succeed }))
    )
  )
  return context.attempt === 1
    ? createOnce
    : Effect.flatMap(find, Option.match({ onNone: () => createOnce, onSome: Effect.succeed }))
}
