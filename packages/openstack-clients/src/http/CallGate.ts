import { Context, Deferred, Effect } from "effect"

/**
 * Whether the caller may still call the cloud. A worker runs a task's calls behind a gate that closes
 * when its lease on the task is running out (it could not renew it) or was taken over: from then on
 * another worker may be making the same calls, so this one sends nothing more and abandons what it has
 * in flight, even inside a stage that otherwise runs to its end. Outside a worker the gate never closes.
 *
 * A call refused or cut off at a closed gate ends as an interruption, not as the call's failure: the
 * stage that made it is left in doubt (INTERRUPTED, resumed by whoever holds the task next) instead of
 * failing and starting an undo, which would be more calls.
 */
export interface CallGateShape {
  /** Completes when calls must stop; undefined for a gate that never closes. */
  readonly closed: Effect.Effect<void> | undefined
  readonly isClosed: Effect.Effect<boolean>
}

export class CallGate extends Context.Reference<CallGate>()("@enamel/openstack-clients/CallGate", {
  defaultValue: (): CallGateShape => ({ closed: undefined, isClosed: Effect.succeed(false) })
}) {}

/** A gate that closes when `signal` completes (whatever its value). */
export const closingWith = <A, E>(signal: Deferred.Deferred<A, E>): CallGateShape => ({
  closed: Effect.ignore(Deferred.await(signal)),
  isClosed: Deferred.isDone(signal)
})
