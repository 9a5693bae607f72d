import { Clock, Effect, Ref, Schedule, type Scope } from "effect"
import * as Board from "./board.js"
import type { TaskEvent } from "./events.js"
import { frame } from "./frame.js"
import { Output } from "./Output.js"
import { plainLine, showsInPlain } from "./plain.js"

/**
 * How a task's events are shown while it runs: the live view on a terminal, plain lines elsewhere,
 * nothing when the output is JSON or values (stdout then carries exactly the result).
 */
export interface Renderer {
  readonly onEvent: (event: TaskEvent) => Effect.Effect<void>
}

export const quiet: Renderer = { onEvent: () => Effect.void }

/** One line per event on stdout, timed from when watching began. */
export const plain: Effect.Effect<Renderer, never, Output> = Effect.gen(function* () {
  const output = yield* Output
  const since = yield* Clock.currentTimeMillis
  return {
    onEvent: (event) =>
      event._tag === "Stage" && showsInPlain(event.entry)
        ? Effect.flatMap(Clock.currentTimeMillis, (now) =>
            output.out(`${plainLine(event.entry, now - since)}\n`)
          )
        : Effect.void
  }
})

/** How often the spinner turns and running stages' times count up. */
export const tickEvery = "100 millis"

const hideCursor = "\u001b[?25l"
const showCursor = "\u001b[?25h"
/** Back to the first line of what was drawn, and clear from there down. */
const rewind = (lines: number) => (lines === 0 ? "" : `\u001b[${lines}F\u001b[J`)

/**
 * The live view: the frame is redrawn in place on every event and spinner tick. When its scope closes
 * (the task ended, or the user detached) the last frame stays on screen and the cursor comes back.
 */
export const live = (title: string): Effect.Effect<Renderer, never, Output | Scope.Scope> =>
  Effect.gen(function* () {
    const output = yield* Output
    const since = yield* Clock.currentTimeMillis
    const board = yield* Ref.make(Board.empty)
    const tick = yield* Ref.make(0)
    const drawn = yield* Ref.make(0)
    const lock = yield* Effect.makeSemaphore(1)
    const draw = lock.withPermits(1)(
      Effect.gen(function* () {
        const size = yield* output.size
        const lines = frame(yield* Ref.get(board), {
          title,
          now: yield* Clock.currentTimeMillis,
          since,
          tick: yield* Ref.get(tick),
          ...size
        })
        const previous = yield* Ref.getAndSet(drawn, lines.length)
        yield* output.out(`${rewind(previous)}${lines.join("\n")}\n`)
      })
    )
    yield* output.out(hideCursor)
    yield* Effect.addFinalizer(() => Effect.zipRight(draw, output.out(showCursor)))
    yield* Effect.forkScoped(
      Effect.repeat(
        Effect.zipRight(
          Ref.update(tick, (n) => n + 1),
          draw
        ),
        Schedule.spaced(tickEvery)
      )
    )
    yield* draw
    return {
      onEvent: (event) =>
        Effect.zipRight(
          Ref.update(board, (b) => Board.apply(b, event)),
          draw
        )
    }
  })
