import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Ref } from "effect"
import { groupCommit } from "../src/groupCommit.js"

/**
 * A store whose first statement waits on `gate`, so what callers ask for meanwhile queues up; it records
 * each statement's items and refuses the item "bad" (the database refusing one row fails its whole
 * statement, as PostgreSQL does).
 */
const gatedStore = Effect.gen(function* () {
  const gate = yield* Deferred.make<void>()
  const statements = yield* Ref.make<ReadonlyArray<ReadonlyArray<string>>>([])
  const record = (items: ReadonlyArray<string>) =>
    Effect.flatMap(
      Ref.getAndUpdate(statements, (all) => [...all, items]),
      (before) => (before.length === 0 ? Deferred.await(gate) : Effect.void)
    )
  const writeMany = (items: ReadonlyArray<string>) =>
    Effect.zipRight(
      record(items),
      items.includes("bad") ? Effect.fail("refused" as const) : Effect.succeed(items.map((i) => `${i}!`))
    )
  const write = yield* groupCommit({
    writeMany,
    writeOne: (item: string) => Effect.map(writeMany([item]), ([answer]) => answer ?? ""),
    writers: 1,
    maxBatch: 3
  })
  return { gate, statements, write }
})

/** Lets every forked caller run up to its wait (each offer is one step of the scheduler). */
const settle = Effect.repeatN(Effect.yieldNow(), 20)

/**
 * Writes "a", asks for `items` while a's statement is held, then lets it go: what each caller got (a's
 * answer, then each item's answer or refusal) and the statements the store saw.
 */
const queuedBehindFirst = (items: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { gate, statements, write } = yield* gatedStore
    const first = yield* Effect.fork(write("a"))
    yield* settle
    const rest = yield* Effect.fork(
      Effect.all(
        items.map((item) => Effect.either(write(item))),
        { concurrency: "unbounded" }
      )
    )
    yield* settle
    yield* Deferred.succeed(gate, undefined)
    const firstAnswer = yield* Effect.either(Fiber.join(first))
    const answers = yield* Fiber.join(rest)
    return {
      answers: [firstAnswer, ...answers].map((a) => (a._tag === "Right" ? a.right : a.left)),
      statements: yield* Ref.get(statements)
    }
  })

describe("groupCommit", () => {
  it.scoped(
    "what arrives while a statement is in flight is written together, at most maxBatch at a time",
    () =>
      Effect.gen(function* () {
        const { answers, statements } = yield* queuedBehindFirst(["b", "c", "d", "e"])
        expect(answers).toEqual(["a!", "b!", "c!", "d!", "e!"])
        expect(statements).toEqual([["a"], ["b", "c", "d"], ["e"]])
      })
  )

  it.scoped(
    "an item the store refuses fails only its own caller: its batch is written again item by item",
    () =>
      Effect.gen(function* () {
        const { answers, statements } = yield* queuedBehindFirst(["b", "bad", "c"])
        expect(answers).toEqual(["a!", "b!", "refused", "c!"])
        expect(statements).toEqual([["a"], ["b", "bad", "c"], ["b"], ["bad"], ["c"]])
      })
  )
})
