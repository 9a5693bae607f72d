import { ClientSettings, OpenStackFailures } from "@enamel/openstack-clients"
import { Clock, Duration, Effect, Option, Schedule } from "effect"
import type { StageContext } from "../../engine/flow/Stage.js"

/** How often a resumed stage looks again for what a cut-off attempt may still make. */
const lookAgainEvery = Duration.seconds(2)

/**
 * Looks for what an earlier attempt made. When that attempt was cut off by a crash, its create request
 * may still be in the cloud's hands (Neutron took up to 71 s on the loaded dev cloud): a look that finds
 * nothing is repeated until the request's time is up (ENAMEL_OPENSTACK_REQUEST_TIMEOUT after the
 * attempt started, the same bound a live attempt waits before calling a create ambiguous). Creating at
 * once would leave the late one behind as a duplicate nobody owns.
 */
const findAfterCutOff = <A, E, R>(context: StageContext, find: Effect.Effect<Option.Option<A>, E, R>) => {
  const startedAt = context.cutOffAttemptStartedAt
  if (startedAt === undefined) return find
  return Effect.gen(function* () {
    const settings = yield* ClientSettings.ClientSettings
    const landsBy = startedAt + Duration.toMillis(settings.requestTimeout)
    return yield* Effect.repeat(find, {
      schedule: Schedule.zipLeft(Schedule.identity<Option.Option<A>>(), Schedule.spaced(lookAgainEvery)),
      while: (found) => Effect.map(Clock.currentTimeMillis, (now) => Option.isNone(found) && now < landsBy)
    })
  })
}

/**
 * Creates something at most once per stage, however often the stage runs:
 * - on a later attempt (a retry, or a re-run after a crash) it first looks for what an earlier attempt
 *   made, by the stage's token, and adopts it; after a crash it keeps looking while the cut-off create
 *   may still land;
 * - when the create itself ends ambiguously (no answer, 5xx), it looks once more before failing.
 * The first attempt skips the look-up: nothing can exist yet, and that keeps the usual path fast.
 */
export const adoptOrCreate = <A, E, R, E2, R2>(
  context: StageContext,
  find: Effect.Effect<Option.Option<A>, E2, R2>,
  create: Effect.Effect<A, E, R>
): Effect.Effect<A, E | E2, R | R2> => {
  const createOnce = create.pipe(
    Effect.catchIf(OpenStackFailures.isAmbiguous, (error) =>
      Effect.flatMap(find, Option.match({ onNone: () => Effect.fail(error), onSome: Effect.succeed }))
    )
  )
  return context.attempt === 1
    ? createOnce
    : Effect.flatMap(
        findAfterCutOff(context, find),
        Option.match({ onNone: () => createOnce, onSome: Effect.succeed })
      )
}
