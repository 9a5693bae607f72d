import { Clock, Duration, Effect, type Predicate, TestServices } from "effect"

/**
 * The one way tests wait for something another fiber, process or server does: read it again and again
 * until it is what the test waits for, instead of sleeping a fixed time and hoping.
 */
export interface Awaiting {
  /** What is awaited, as the timeout names it: "task 42 to be RUNNING". */
  readonly what: string
  /** How long to wait at most (default 30 s). */
  readonly timeout?: Duration.DurationInput
  /** The pause between two reads (default 50 ms). */
  readonly every?: Duration.DurationInput
}

// What is awaited is real I/O (a database, a broker, a process), which a TestClock does not move: the
// pauses and the deadline run on the live clock, so this works inside `it.effect` too.
const liveNow = TestServices.provideLive(Clock.currentTimeMillis)

/**
 * Runs `read` until its value satisfies `until`, and returns that value. A failing read fails at once
 * (an error is not "not yet"). Dies when the timeout passes, naming what was awaited and the last value read.
 */
export function eventually<A, B extends A, E, R>(
  read: Effect.Effect<A, E, R>,
  until: Predicate.Refinement<A, B>,
  options: Awaiting
): Effect.Effect<B, E, R>
export function eventually<A, E, R>(
  read: Effect.Effect<A, E, R>,
  until: Predicate.Predicate<A>,
  options: Awaiting
): Effect.Effect<A, E, R>
export function eventually<A, E, R>(
  read: Effect.Effect<A, E, R>,
  until: Predicate.Predicate<A>,
  options: Awaiting
): Effect.Effect<A, E, R> {
  const timeout = Duration.decode(options.timeout ?? Duration.seconds(30))
  const every = options.every ?? Duration.millis(50)
  return Effect.gen(function* () {
    const deadline = (yield* liveNow) + Duration.toMillis(timeout)
    for (;;) {
      const value = yield* read
      if (until(value)) return value
      if ((yield* liveNow) >= deadline) {
        return yield* Effect.dieMessage(
          `timed out after ${Duration.format(timeout)} waiting for ${options.what}; last read: ${show(value)}`
        )
      }
      yield* TestServices.provideLive(Effect.sleep(every))
    }
  })
}

const show = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
