import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option, Ref } from "effect"
import { eventually } from "./poll.js"

describe("eventually", () => {
  it.effect("returns the first value read that satisfies the condition, reading no more", () =>
    Effect.gen(function* () {
      const reads = yield* Ref.make(0)
      const read = Ref.updateAndGet(reads, (n) => n + 1)
      expect(yield* eventually(read, (n) => n >= 3, { what: "three reads", every: "1 millis" })).toBe(3)
      expect(yield* Ref.get(reads)).toBe(3)
    })
  )

  it.effect("narrows to what the refinement says", () =>
    Effect.gen(function* () {
      const held = yield* Ref.make(Option.none<string>())
      const read = Effect.zipLeft(Ref.get(held), Ref.set(held, Option.some("here")))
      const found = yield* eventually(read, Option.isSome, { what: "a value", every: "1 millis" })
      expect(found.value).toBe("here")
    })
  )

  it.effect("fails at once with the read's error: an error is not 'not yet'", () =>
    Effect.gen(function* () {
      const reads = yield* Ref.make(0)
      const read = Effect.zipRight(
        Ref.update(reads, (n) => n + 1),
        Effect.fail("broken")
      )
      expect(yield* Effect.flip(eventually(read, () => true, { what: "anything" }))).toBe("broken")
      expect(yield* Ref.get(reads)).toBe(1)
    })
  )

  // Runs under the TestClock, which nothing adjusts: the wait and the deadline must be on the live clock.
  it.effect("dies after the timeout, naming what was awaited and the last value read", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        eventually(Effect.succeed("PENDING"), (s) => s === "RUNNING", {
          what: "task 42 to be RUNNING",
          timeout: "100 millis",
          every: "10 millis"
        })
      )
      const defect = Exit.isFailure(exit) ? Cause.dieOption(exit.cause) : Option.none()
      expect(Option.map(defect, (e) => (e instanceof Error ? e.message : String(e)))).toEqual(
        Option.some('timed out after 100ms waiting for task 42 to be RUNNING; last read: "PENDING"')
      )
    })
  )
})
