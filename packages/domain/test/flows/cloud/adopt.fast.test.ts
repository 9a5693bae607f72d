import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option, Ref, TestClock } from "effect"
import type { StageContext } from "../../../src/engine/flow/Stage.js"
import { adoptOrCreate } from "../../../src/flows/cloud/adopt.js"

/** The second attempt of a stage whose first was cut off by a crash at `cutOffAt` (epoch ms). */
const resumedAfterCrash = (cutOffAt: number): StageContext => ({
  taskId: "t-1",
  path: "server[0]/network[0]/createPort",
  attempt: 2,
  idempotencyToken: "enamel-t-1-server[0]/network[0]/createPort",
  cutOffAttemptStartedAt: cutOffAt,
  annotate: () => Effect.void
})

/** A cloud where what the cut-off attempt asked for appears `landsAfterMs` from now (never: undefined). */
const cloud = (landsAfterMs: number | undefined) =>
  Effect.gen(function* () {
    const creates = yield* Ref.make(0)
    const find = Effect.map(TestClock.currentTimeMillis, (now) =>
      landsAfterMs !== undefined && now >= landsAfterMs ? Option.some("late-port") : Option.none()
    )
    const create = Effect.as(
      Ref.update(creates, (n) => n + 1),
      "new-port"
    )
    return { creates, find, create }
  })

describe("adoptOrCreate after a crash", () => {
  it.effect("adopts what the cut-off create makes late instead of making a second one", () =>
    Effect.gen(function* () {
      const { creates, find, create } = yield* cloud(25_000)
      const fiber = yield* Effect.fork(adoptOrCreate(resumedAfterCrash(0), find, create))
      yield* TestClock.adjust("30 seconds")
      expect(yield* Fiber.join(fiber)).toBe("late-port")
      expect(yield* Ref.get(creates)).toBe(0)
    })
  )

  it.effect(
    "creates once the cut-off request's time (the request timeout, 60 s) is up and nothing came",
    () =>
      Effect.gen(function* () {
        const { creates, find, create } = yield* cloud(undefined)
        const fiber = yield* Effect.fork(adoptOrCreate(resumedAfterCrash(0), find, create))
        yield* TestClock.adjust("50 seconds")
        expect(yield* Ref.get(creates)).toBe(0)
        yield* TestClock.adjust("12 seconds")
        expect(yield* Fiber.join(fiber)).toBe("new-port")
        expect(yield* Ref.get(creates)).toBe(1)
      })
  )

  it.effect("does not wait for a cut-off attempt whose time is long up", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust("10 minutes")
      const { creates, find, create } = yield* cloud(undefined)
      expect(yield* adoptOrCreate(resumedAfterCrash(0), find, create)).toBe("new-port")
      expect(yield* Ref.get(creates)).toBe(1)
    })
  )
})
