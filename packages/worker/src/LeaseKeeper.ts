import { type Lease, TaskLeases } from "@enamel/persistence"
import { Deferred, Duration, Effect } from "effect"
import { WorkerSettings } from "./WorkerSettings.js"

interface Held {
  readonly lease: Lease
  readonly lost: Deferred.Deferred<void>
}

/**
 * Keeps this worker's leases alive: every third of the lease TTL one statement renews all of them,
 * instead of a fiber and a statement per task (at 1,000 tasks in flight those were 100 statements a
 * second waiting for the pool). A lease another worker took is reported to the task holding it.
 */
export class LeaseKeeper extends Effect.Service<LeaseKeeper>()("@enamel/worker/LeaseKeeper", {
  scoped: Effect.gen(function* () {
    const settings = yield* WorkerSettings
    const leases = yield* TaskLeases
    const held = new Map<string, Held>()

    const renewAll = Effect.suspend(() => {
      const current = [...held.values()]
      if (current.length === 0) return Effect.void
      return leases
        .renewAll(
          current.map((h) => h.lease),
          settings.leaseTtl
        )
        .pipe(
          Effect.flatMap((lost) =>
            // Those lost are told by identity: a lease of the same task taken since is another entry.
            Effect.forEach(
              current.filter((h) => lost.includes(h.lease)),
              (h) => Deferred.succeed(h.lost, undefined),
              { discard: true }
            )
          ),
          // The store is out for now: the next beat tries again (a lease lasts three beats).
          Effect.catchTag("TaskStoreError", () => Effect.void)
        )
    })
    const beat = Duration.times(settings.leaseTtl, 1 / 3)
    // A background loop: no trace of its own every beat.
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(Effect.sleep(beat), renewAll)).pipe(Effect.withTracerEnabled(false))
    )

    return {
      /**
       * Keeps `lease` renewed until the scope closes; the Deferred completes when another worker took
       * the task.
       */
      hold: (lease: Lease) =>
        Effect.acquireRelease(
          Effect.tap(Deferred.make<void>(), (lost) =>
            Effect.sync(() => held.set(lease.taskId, { lease, lost }))
          ),
          () =>
            Effect.sync(() => {
              if (held.get(lease.taskId)?.lease === lease) held.delete(lease.taskId)
            })
        )
    } as const
  })
}) {}
