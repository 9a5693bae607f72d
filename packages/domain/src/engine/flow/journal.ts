import { Deferred, Duration, Effect, type Scope } from "effect"
import type { CheckpointError } from "../errors.js"
import type { TimelineWrite } from "../task/TimelineEntry.js"
import type { Checkpoints } from "./Checkpoints.js"

/**
 * How a run writes its timeline. A start (or any entry that must be stored before the run goes on) is
 * written at once, together with the outcomes still waiting: when a flow moves straight on, a stage's
 * success and the next stage's start are one atomic write and one round trip instead of two.
 *
 * An outcome is therefore stored before whatever follows it begins: the next start carries it, or
 * waits for the write that took it. An outcome that no write picks up at once (the run waits on
 * something else, e.g. a parallel branch) is written by itself a millisecond later, and whatever still
 * waits when the run's scope closes is written then. A crash before an outcome is stored
 * leaves its stage in doubt, as a crash just before the outcome was written always did: it runs again
 * and adopts what it made.
 */
export interface Journal {
  /** Writes `entry` with the outcomes waiting before it; succeeds once all of them are stored. */
  readonly write: (entry: TimelineWrite) => Effect.Effect<void, CheckpointError>
  /** Leaves an outcome for the next write to carry (or for a write of its own, shortly after). */
  readonly writeLater: (entry: TimelineWrite) => Effect.Effect<void>
  /** Writes the outcomes waiting, if any, and waits for the ones being written. */
  readonly flush: Effect.Effect<void, CheckpointError>
}

/** A run's journal; the writes it makes by itself run in `scope` (the run's). */
export const make = (checkpoints: Checkpoints["Type"], scope: Scope.Scope): Effect.Effect<Journal> =>
  Effect.sync(() => {
    let waiting: Array<TimelineWrite> = []
    // The latest write of waiting outcomes alone. Every later write waits for it first, so no entry is
    // stored before an outcome that was taken earlier; a failure stays here and fails them all.
    let outcomesWritten: Effect.Effect<void, CheckpointError> = Effect.void
    let flushScheduled = false

    const take = () => {
      const taken = waiting
      waiting = []
      return taken
    }

    const flush: Effect.Effect<void, CheckpointError> = Effect.uninterruptible(
      Effect.gen(function* () {
        const entries = take()
        if (entries.length === 0) return yield* outcomesWritten
        const done = yield* Deferred.make<void, CheckpointError>()
        const before = outcomesWritten
        outcomesWritten = Deferred.await(done)
        const exit = yield* Effect.exit(Effect.zipRight(before, checkpoints.recordAll(entries)))
        yield* Deferred.done(done, exit)
        return yield* exit
      })
    )

    // A timer, so after everything the run does without waiting: a run that moves straight on has
    // taken the outcome by then (node fires a timer after 1 ms at the earliest anyway).
    const flushSoon = Effect.zipRight(
      Effect.sleep(Duration.millis(1)),
      Effect.suspend(() => {
        flushScheduled = false
        return Effect.ignore(flush)
      })
    )

    return {
      write: (entry) =>
        Effect.suspend(() => {
          const entries = [...take(), entry]
          return Effect.zipRight(outcomesWritten, checkpoints.recordAll(entries))
        }),
      writeLater: (entry) =>
        Effect.suspend(() => {
          waiting.push(entry)
          if (flushScheduled) return Effect.void
          flushScheduled = true
          // Interruptible although forked from a stage's uninterruptible region: the run's end stops it.
          return Effect.asVoid(Effect.forkIn(Effect.interruptible(flushSoon), scope))
        }),
      flush
    }
  })
