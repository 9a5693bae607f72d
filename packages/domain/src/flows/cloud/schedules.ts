import { OpenStackConflict, OpenStackFailures, OpenStackServiceUnavailable } from "@enamel/openstack-clients"
import { Duration, Schedule } from "effect"

/**
 * How a stage that creates is retried after a transient failure (the service down or busy, no answer in
 * time, a passing conflict; see `OpenStackFailures`): 0.2 s doubling with jitter, each wait capped at
 * 5 s, at most 5 retries (about 12 s in all). Definitive failures (4xx, over quota, a subnet with no
 * address left) are not.
 */
export const transientRetry = Schedule.exponential(Duration.millis(200), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(5))),
  Schedule.intersect(Schedule.recurs(5)),
  Schedule.whileInput(OpenStackFailures.isTransient)
)

/**
 * How a wait is retried: only when the service itself failed. A wait that timed out has already waited
 * the whole wait timeout, and a resource in ERROR stays there.
 */
export const waitRetry = Schedule.exponential(Duration.millis(200), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(5))),
  Schedule.intersect(Schedule.recurs(3)),
  Schedule.whileInput((error: unknown) => error instanceof OpenStackServiceUnavailable)
)

/**
 * How an undo is retried: harder than a run, since giving up leaves something behind. Any failure but
 * the cloud refusing the caller (credentials or policy) is retried (e.g. a volume Cinder will not delete
 * yet): 0.5 s doubling, capped at 10 s, at most 8 retries (about a minute).
 */
export const undoRetry = Schedule.exponential(Duration.millis(500), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(10))),
  Schedule.intersect(Schedule.recurs(8)),
  Schedule.whileInput((error: unknown) => !OpenStackFailures.refusesCaller(error))
)

/**
 * How a call that changes a server's attachments waits out the server being busy: Nova answers 409 while
 * the server has a task state (another attach or detach, a reboot) or a volume is still being let go of.
 * 0.5 s doubling with jitter, each wait capped at 3 s, at most 60 retries (about 3 minutes): long enough
 * for the other tasks on the same server to finish their step.
 */
export const serverBusyRetry = Schedule.exponential(Duration.millis(500), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(3))),
  Schedule.intersect(Schedule.recurs(60)),
  Schedule.whileInput((error: unknown) => error instanceof OpenStackConflict)
)

/**
 * How a Neutron deletion is confirmed: Neutron deletes before it answers, so the first look normally
 * finds the thing gone; if not (a slow agent, a replica behind), it looks again every 0.5 s, at most 20
 * times (about 10 s).
 */
export const goneRecheck = Schedule.spaced(Duration.millis(500)).pipe(Schedule.intersect(Schedule.recurs(20)))
