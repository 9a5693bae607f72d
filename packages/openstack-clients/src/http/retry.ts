import { Duration, Schedule } from "effect"
import type { OpenStackError } from "../errors.js"
import { isOutage } from "../failures.js"

/**
 * How idempotent reads are retried after an outage (5xx, 429, connection refused or reset, no answer):
 * exponential back-off from 100 ms with jitter, each wait capped at 2 s, at most 4 retries. Any other
 * failure is reported at once.
 */
export const transientReadRetry = Schedule.exponential(Duration.millis(100), 2).pipe(
  Schedule.jittered,
  Schedule.union(Schedule.spaced(Duration.seconds(2))),
  Schedule.intersect(Schedule.recurs(4)),
  Schedule.whileInput((error: OpenStackError) => isOutage(error))
)
