import { Array as Arr, Chunk, Deferred, Effect, Exit, Queue, type Scope } from "effect"

/**
 * Group commit: what concurrent callers ask for while earlier statements are in flight is written by one
 * statement, so under load one round trip, one transaction and one WAL flush serve many requests (at 50
 * connections, one accept statement per request spent a sixth of the API's CPU in the socket writes to
 * PostgreSQL). An idle writer takes a lone item at once: batching adds no wait.
 */
export interface GroupCommitOptions<A, B, E> {
  /** Writes a batch and answers each item, in the batch's order. */
  readonly writeMany: (items: ReadonlyArray<A>) => Effect.Effect<ReadonlyArray<B>, E>
  /**
   * Writes one item. When a batch fails, each of its items is written alone, so an item the database
   * refuses fails only its own caller.
   */
  readonly writeOne: (item: A) => Effect.Effect<B, E>
  /** Statements in flight at once. */
  readonly writers: number
  /** Items per statement at most. */
  readonly maxBatch: number
}

interface Pending<A, B, E> {
  readonly item: A
  readonly answer: Deferred.Deferred<B, E>
}

/** Starts the writers in the current scope and returns the function callers write through. */
export const groupCommit = <A, B, E>(
  options: GroupCommitOptions<A, B, E>
): Effect.Effect<(item: A) => Effect.Effect<B, E>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const queue = yield* Queue.unbounded<Pending<A, B, E>>()
    yield* Effect.addFinalizer(() => Queue.shutdown(queue))

    const writeAlone = (pending: Pending<A, B, E>) =>
      Effect.flatMap(Effect.exit(options.writeOne(pending.item)), (exit) =>
        Deferred.done(pending.answer, exit)
      )

    const writeBatch = (batch: ReadonlyArray<Pending<A, B, E>>) =>
      Effect.gen(function* () {
        const [only] = batch
        if (batch.length === 1 && only !== undefined) return yield* writeAlone(only)
        const exit = yield* Effect.exit(options.writeMany(batch.map((pending) => pending.item)))
        if (Exit.isSuccess(exit) && exit.value.length === batch.length) {
          yield* Effect.forEach(
            Arr.zip(batch, exit.value),
            ([pending, answer]) => Deferred.succeed(pending.answer, answer),
            { discard: true }
          )
          return
        }
        yield* Effect.forEach(batch, writeAlone, { concurrency: options.writers, discard: true })
      })

    // The writers run in this scope, so an interrupted caller cannot stop a statement that carries
    // other callers' items; a caller whose item is written after it left simply gets no answer.
    const writer = Effect.forever(
      Effect.flatMap(Queue.takeBetween(queue, 1, options.maxBatch), (taken) =>
        writeBatch(Chunk.toReadonlyArray(taken))
      )
    )
    // A batch serves many requests, so its statement belongs to no one request's trace: not traced.
    yield* Effect.forkScoped(
      Effect.all(
        Array.from({ length: options.writers }, () => writer),
        {
          concurrency: "unbounded",
          discard: true
        }
      ).pipe(Effect.withTracerEnabled(false))
    )

    return (item: A) =>
      Effect.flatMap(Deferred.make<B, E>(), (answer) =>
        Effect.zipRight(Queue.offer(queue, { item, answer }), Deferred.await(answer))
      )
  })
