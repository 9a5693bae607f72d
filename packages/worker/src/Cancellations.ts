import { TaskLeases } from "@enamel/persistence"
import { Deferred, Effect, Schedule, Stream } from "effect"

/**
 * Tells a running task that its user asked to cancel: at once through PostgreSQL's NOTIFY (the API's
 * cancel sends it), and by a slow poll in case a notification was missed. The poll is one statement
 * for every task waiting, not one per task (at 1,000 tasks in flight those were 500 a second).
 */
export class Cancellations extends Effect.Service<Cancellations>()("@enamel/worker/Cancellations", {
  scoped: Effect.gen(function* () {
    const leases = yield* TaskLeases
    const waiting = new Map<string, Deferred.Deferred<void>>()
    const signal = (taskId: string) => {
      const waiter = waiting.get(taskId)
      return waiter === undefined ? Effect.void : Deferred.succeed(waiter, undefined)
    }
    yield* Effect.forkScoped(
      leases.cancelNotifications.pipe(
        Stream.runForEach(signal),
        Effect.retry(Schedule.spaced("1 second")),
        Effect.withTracerEnabled(false)
      )
    )
    const poll = Effect.suspend(() =>
      waiting.size === 0
        ? Effect.void
        : leases.cancelsRequested([...waiting.keys()]).pipe(
            Effect.flatMap((ids) => Effect.forEach(ids, signal, { discard: true })),
            Effect.ignore
          )
    )
    // A background loop: no trace of its own every poll.
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(Effect.sleep("2 seconds"), poll)).pipe(Effect.withTracerEnabled(false))
    )
    return {
      /** Completes when a cancel of the task is requested. */
      requested: (taskId: string): Effect.Effect<void> =>
        Effect.acquireUseRelease(
          Effect.tap(Deferred.make<void>(), (d) => Effect.sync(() => waiting.set(taskId, d))),
          Deferred.await,
          () => Effect.sync(() => waiting.delete(taskId))
        )
    }
  })
}) {}
