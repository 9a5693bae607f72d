import { RequestLog } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import type { Stage, StageContext } from "../../engine/flow/Stage.js"
import { describeOpenStackFailure } from "./describeFailure.js"
import { transientRetry, undoRetry } from "./schedules.js"

/**
 * Runs `self` with a RequestLog that adds every OpenStack request id to the stage's timeline entry (and
 * still reports to the RequestLog around it, if there is one).
 */
export const annotatingRequests = <A, E, R>(
  context: StageContext,
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(RequestLog.RequestLog), (outer) =>
    Effect.provideService(self, RequestLog.RequestLog, {
      record: (entry) =>
        Effect.zipRight(
          entry.requestId === undefined ? Effect.void : context.annotate({ requestIds: [entry.requestId] }),
          Option.match(outer, { onNone: () => Effect.void, onSome: (log) => log.record(entry) })
        )
    })
  )

/**
 * A stage that calls OpenStack: its run and its undo record their request ids, transient failures of the
 * run are retried with `transientRetry` and failed undos with `undoRetry`, and an OpenStack failure is
 * described with the catalogue's `openstack.*` code and the cloud's words (unless the stage says otherwise).
 */
export const make = <I, A, AI, E, R>(stage: Stage<I, A, E, R, AI>): Stage<I, A, E, R, AI> => {
  const compensate = stage.compensate
  return {
    retry: transientRetry,
    compensateRetry: undoRetry,
    describeError: describeOpenStackFailure,
    ...stage,
    run: (input, context) => annotatingRequests(context, stage.run(input, context)),
    ...(compensate === undefined
      ? {}
      : { compensate: (result, context) => annotatingRequests(context, compensate(result, context)) })
  }
}
