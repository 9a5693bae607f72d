import { CallGate } from "@enamel/openstack-clients"
import { type Lease, TaskLeases } from "@enamel/persistence"
import { Clock, Deferred, Duration, Effect } from "effect"
import { WorkerSettings } from "./WorkerSettings.js"

/**
 * Why this worker must stop running a task it holds: another worker `took` it (the lease was found
 * taken over), or this worker could not renew the lease and is `stopping` before it can be taken over.
 */
export type LeaseEnd = "taken" | "stopping"

interface Held {
  readonly lease: Lease
  readonly ended: Deferred.Deferred<LeaseEnd>
  /** Run once when the lease ends, beside completing `ended`. */
  readonly onEnd: Effect.Effect<void>
  /**
   * When the last renewal that succeeded was sent (epoch ms; the claim's, at first): PostgreSQL set the
   * expiry at `now() + TTL` no earlier than that, so the lease is this worker's until at least then + TTL.
   */
  renewedSince: number
}

/** A held lease, as the task running under it sees it. */
export interface HeldLease {
  /** Completes when the task must stop, saying why. */
  readonly ended: Deferred.Deferred<LeaseEnd>
  /** Closes when the lease ends, for every cloud call the task makes. */
  readonly gate: CallGate.CallGateShape
}

/**
 * Renewing every third of the TTL gives two more tries after a failed renewal before the stop point;
 * stopping at five sixths leaves a sixth (1.5 s of the default 9 s) for the stop itself (abandoning the
 * calls in flight, which is immediate) and for timers firing late on a busy machine.
 */
export const stopAfter = (ttl: Duration.Duration) => Duration.times(ttl, 5 / 6)

/**
 * Keeps this worker's leases alive: every third of the lease TTL one statement renews all of them,
 * instead of a fiber and a statement per task (at 1,000 tasks in flight those were 100 statements a
 * second waiting for the pool). A lease another worker took is reported to the task holding it.
 *
 * A lease this worker could not renew for five sixths of the TTL is given up before another worker can
 * take it over: its task is told to stop and its cloud calls are refused from then on. Fencing keeps a
 * stale worker's database writes out, but only this keeps its cloud calls from running beside the new
 * holder's (a worker cut off from PostgreSQL still reaches Nova and Neutron).
 */
export class LeaseKeeper extends Effect.Service<LeaseKeeper>()("@enamel/worker/LeaseKeeper", {
  scoped: Effect.gen(function* () {
    const settings = yield* WorkerSettings
    const leases = yield* TaskLeases
    const held = new Map<string, Held>()
    const ttlMs = Duration.toMillis(settings.leaseTtl)
    const stopAfterMs = Duration.toMillis(stopAfter(settings.leaseTtl))
    const beat = Duration.times(settings.leaseTtl, 1 / 3)

    /** Ends a lease for its task, once: it is no longer renewed and its gate closes. */
    const end = (h: Held, why: LeaseEnd) =>
      Effect.suspend(() => {
        if (held.get(h.lease.taskId) === h) held.delete(h.lease.taskId)
        return Effect.flatMap(Deferred.succeed(h.ended, why), (first) => (first ? h.onEnd : Effect.void))
      })

    const renewAll = Effect.gen(function* () {
      const current = [...held.values()]
      if (current.length === 0) return
      const sentAt = yield* Clock.currentTimeMillis
      const lost = yield* leases.renewAll(
        current.map((h) => h.lease),
        settings.leaseTtl
      )
      for (const h of current) {
        // Those lost are told by identity: a lease of the same task taken since is another entry.
        if (lost.includes(h.lease)) yield* end(h, "taken")
        // A lease given up meanwhile stays given up: its task was already told to stop.
        else if (held.get(h.lease.taskId) === h) h.renewedSince = Math.max(h.renewedSince, sentAt)
      }
    }).pipe(
      // A statement the network swallowed would hold the next beats back: it gets two beats, which a
      // slow database under load may need; by then the stop point of what it renews is near anyway.
      Effect.timeout(Duration.times(beat, 2)),
      // The store is out for now: the next beat tries again (the stop point is two beats later).
      Effect.catchTags({ TaskStoreError: () => Effect.void, TimeoutException: () => Effect.void })
    )

    /** Whether `h` is past its stop point at `now`; one that is, is ended (`stopping`) at once. */
    const stopIfDue = (h: Held, now: number) =>
      Effect.gen(function* () {
        if (now - h.renewedSince < stopAfterMs) return false
        if (yield* Deferred.isDone(h.ended)) return true
        yield* Effect.logWarning(
          `lease on task ${h.lease.taskId} not renewed for ${now - h.renewedSince} ms (TTL ${ttlMs} ms): stopping the task before it can be taken over`
        )
        yield* end(h, "stopping")
        return true
      })

    const stopExpiring = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      for (const h of [...held.values()]) yield* stopIfDue(h, now)
    })

    // Background loops: no trace of their own every beat.
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(Effect.sleep(beat), renewAll)).pipe(Effect.withTracerEnabled(false))
    )
    // Checked apart from the renewals, which may hang: often enough that the stop lands well inside
    // the sixth of the TTL it has.
    const check = Duration.min(Duration.seconds(1), Duration.times(settings.leaseTtl, 1 / 24))
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(Effect.sleep(check), stopExpiring)).pipe(Effect.withTracerEnabled(false))
    )

    return {
      /**
       * Keeps `lease`, claimed by a statement sent at `claimSentAt` (epoch ms), renewed until the scope
       * closes. `onEnd` runs when the lease ends (a waiter woken without a fiber of its own to watch).
       */
      hold: (lease: Lease, claimSentAt: number, onEnd: Effect.Effect<void> = Effect.void) =>
        Effect.acquireRelease(
          Effect.gen(function* () {
            const ended = yield* Deferred.make<LeaseEnd>()
            const h: Held = { lease, ended, onEnd, renewedSince: claimSentAt }
            held.set(lease.taskId, h)
            // Every call also checks the stop point itself, just before it is sent: a call is never sent
            // past it, even when the check loop's timer fires late (a blocked event loop, a GC pause).
            const isClosed = Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.flatMap(stopIfDue(h, now), (due) =>
                due ? Effect.succeed(true) : Deferred.isDone(ended)
              )
            )
            return { ended, gate: { ...CallGate.closingWith(ended), isClosed } } satisfies HeldLease
          }),
          () =>
            Effect.sync(() => {
              if (held.get(lease.taskId)?.lease === lease) held.delete(lease.taskId)
            })
        )
    } as const
  })
}) {}
