import { Duration, Predicate, Schedule } from "effect"

/**
 * Conflicts that are not passing: a subnet with no address left (Neutron's IpAddressGenerationFailure)
 * stays full while the task waits.
 */
const lastingConflicts = new Set(["IpAddressGenerationFailure"])

/** Failures that may clear by themselves: the service down or busy, no answer in time, a passing conflict. */
export const isTransient = (error: unknown): boolean =>
  Predicate.isTagged(error, "OpenStackServiceUnavailable") ||
  Predicate.isTagged(error, "OpenStackTimeout") ||
  (Predicate.isTagged(error, "OpenStackConflict") &&
    !(
      Predicate.hasProperty(error, "kind") &&
      typeof error.kind === "string" &&
      lastingConflicts.has(error.kind)
    ))

/**
 * How a stage that creates is retried after a transient failure: 0.2 s doubling with jitter, each wait
 * capped at 5 s, at most 5 retries (about 12 s in all). Definitive failures (4xx, over quota) are not.
 */
export const transientRetry = Schedule.exponential(Duration.millis(200), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(5))),
  Schedule.intersect(Schedule.recurs(5)),
  Schedule.whileInput(isTransient)
)

/**
 * How a wait is retried: only when the service itself failed. A wait that timed out has already waited
 * the whole wait timeout, and a resource in ERROR stays there.
 */
export const waitRetry = Schedule.exponential(Duration.millis(200), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(5))),
  Schedule.intersect(Schedule.recurs(3)),
  Schedule.whileInput((error: unknown) => Predicate.isTagged(error, "OpenStackServiceUnavailable"))
)

/**
 * How an undo is retried: harder than a run, since giving up leaves something behind. Any failure but
 * a refusal of the credentials (e.g. a volume Cinder will not delete yet) is retried: 0.5 s doubling,
 * capped at 10 s, at most 8 retries (about a minute).
 */
export const undoRetry = Schedule.exponential(Duration.millis(500), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(10))),
  Schedule.intersect(Schedule.recurs(8)),
  Schedule.whileInput(
    (error: unknown) =>
      !Predicate.isTagged(error, "OpenStackUnauthorized") && !Predicate.isTagged(error, "OpenStackForbidden")
  )
)
