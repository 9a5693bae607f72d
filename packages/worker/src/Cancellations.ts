import { TaskLeases } from "@enamel/persistence"
import { Deferred, Effect, Schedule, Stream } from "effect"

/**
 * Tells a running task that its user asked to cancel: at once through PostgreSQL's NOTIFY (the API's
 * cancel sends it), and by a slow poll of the task's state in case a notification was missed.
 */
export class Cancellations extends Effect.Service<Cancellations>()("@enamel/worker/Cancellations", {
  scoped: Effect.gen(function* () {
    const leases = yield* TaskLeases
    const waiting = new Map<string, Deferred.Deferred<void>>()
    yield* Effect.forkScoped(
      leases.cancelNotifications.pipe(
        Stream.runForEach((taskId) => {
          const signal = waiting.get(taskId)
          return signal === undefined ? Effect.void : Deferred.succeed(signal, undefined)
        }),
        Effect.retry(Schedule.spaced("1 second"))
      )
    )
    return {
      /** Completes when a cancel of the task is requested; the poll runs only while someone waits. */
      requested: (taskId: string): Effect.Effect<void> =>
        Effect.acquireUseRelease(
          Effect.tap(Deferred.make<void>(), (d) => Effect.sync(() => waiting.set(taskId, d))),
          (signal) =>
            Effect.raceFirst(
              Deferred.await(signal),
              leases.cancelRequested(taskId).pipe(
                Effect.orElseSucceed(() => false),
                Effect.repeat({ schedule: Schedule.spaced("2 seconds"), until: (cancelled) => cancelled }),
                Effect.asVoid
              )
            ),
          () => Effect.sync(() => waiting.delete(taskId))
        )
    }
  })
}) {}
