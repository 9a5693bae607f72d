import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import * as NameCache from "../src/flows/cloud/NameCache.js"

describe("NameCache", () => {
  it.effect("keeps an id for its time to live, then forgets it", () =>
    Effect.gen(function* () {
      const cache = yield* NameCache.make("10 minutes")
      expect(yield* cache.get("p/flavor/m1.tiny")).toEqual(Option.none())
      yield* cache.set("p/flavor/m1.tiny", "1")
      yield* TestClock.adjust("9 minutes")
      expect(yield* cache.get("p/flavor/m1.tiny")).toEqual(Option.some("1"))
      // A look-up again starts the time anew.
      yield* cache.set("p/flavor/m1.tiny", "2")
      yield* TestClock.adjust("9 minutes")
      expect(yield* cache.get("p/flavor/m1.tiny")).toEqual(Option.some("2"))
      yield* TestClock.adjust("61 seconds")
      expect(yield* cache.get("p/flavor/m1.tiny")).toEqual(Option.none())
      yield* cache.set("p/network/private", "n")
      yield* cache.remove("p/network/private")
      expect(yield* cache.get("p/network/private")).toEqual(Option.none())
    })
  )

  it.effect("with no time to live it keeps nothing", () =>
    Effect.gen(function* () {
      const cache = yield* NameCache.make("0 millis")
      yield* cache.set("p/image/tiny", "i")
      expect(yield* cache.get("p/image/tiny")).toEqual(Option.none())
    })
  )
})
