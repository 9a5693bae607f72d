import { Consumer, type Subscription } from "@enamel/broker"
import { type Duration, Effect, FiberSet, Option, Ref, Stream } from "effect"
import { TaskExecutor } from "./TaskExecutor.js"

export interface TopicStats {
  readonly topic: string
  readonly concurrency: number
  readonly paused: boolean
  readonly running: number
  readonly completed: number
  readonly connected: boolean
}

/** How many tasks of a topic a worker runs at once, and whether it takes new ones. */
export interface Tuning {
  readonly concurrency: number
  readonly paused: boolean
}

/**
 * One topic's consumer: takes deliveries (as many unacknowledged at once as its concurrency; that is the
 * prefetch) and runs each task in its own fiber. Supervised: when the broker drops it, it subscribes
 * again. On close (SIGTERM) it stops taking deliveries, lets running tasks finish for `grace`, then
 * interrupts the rest, which hand their tasks back.
 */
export const make = (topic: string, initial: Tuning, grace: Duration.Duration) =>
  Effect.gen(function* () {
    const consumer = yield* Consumer
    const executor = yield* TaskExecutor
    const concurrency = yield* Ref.make(initial.concurrency)
    // Set before the first subscription: a topic stored as paused takes no delivery at all.
    const paused = yield* Ref.make(initial.paused)
    const completed = yield* Ref.make(0)
    const current = yield* Ref.make(Option.none<Subscription>())
    const running = yield* FiberSet.make<void, never>()

    const consumeOnce = Effect.scoped(
      Effect.gen(function* () {
        const subscription = yield* consumer.subscribe(topic, { prefetch: yield* Ref.get(concurrency) })
        yield* Effect.acquireRelease(Ref.set(current, Option.some(subscription)), () =>
          Ref.set(current, Option.none())
        )
        if (yield* Ref.get(paused)) yield* subscription.pause
        yield* subscription.deliveries.pipe(
          Stream.runForEach((delivery) =>
            FiberSet.run(
              running,
              executor.execute(delivery).pipe(
                Effect.ensuring(Ref.update(completed, (n) => n + 1)),
                Effect.catchAllCause((cause) =>
                  Effect.logError(`task on ${topic} failed unexpectedly`, cause)
                )
              )
            )
          )
        )
      })
    )
    // Supervised: whatever ends a subscription (the broker went away, or a defect) is logged and the
    // topic subscribes again after a pause; only the pool's own scope ends it.
    yield* Effect.forkScoped(
      consumeOnce.pipe(
        Effect.catchAllCause((cause) =>
          Effect.logWarning(`${topic}: consumer stopped; subscribing again`, cause)
        ),
        Effect.zipRight(Effect.sleep("1 second")),
        Effect.forever
      )
    )

    const onSubscription = (f: (s: Subscription) => Effect.Effect<void, unknown>) =>
      Effect.flatMap(
        Ref.get(current),
        Option.match({ onNone: () => Effect.void, onSome: (s) => Effect.ignore(f(s)) })
      )

    // Runs first on close: stop taking deliveries, give running tasks `grace`, then interrupt the rest
    // (they hand their tasks back) while the consumer's channel is still open to requeue them.
    // Finalizers are uninterruptible: the timed wait must be made interruptible or it cannot time out.
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        yield* onSubscription((s) => s.pause)
        yield* Effect.timeoutOption(Effect.interruptible(FiberSet.awaitEmpty(running)), grace)
        yield* FiberSet.clear(running)
      })
    )

    const setConcurrency = (n: number) =>
      Effect.zipRight(
        Ref.set(concurrency, n),
        onSubscription((s) => s.setPrefetch(n))
      )
    const pause = Effect.zipRight(
      Ref.set(paused, true),
      onSubscription((s) => s.pause)
    )
    const resume = Effect.zipRight(
      Ref.set(paused, false),
      onSubscription((s) => s.resume)
    )

    return {
      topic,
      stats: Effect.gen(function* () {
        return {
          topic,
          concurrency: yield* Ref.get(concurrency),
          paused: yield* Ref.get(paused),
          running: yield* FiberSet.size(running),
          completed: yield* Ref.get(completed),
          connected: Option.isSome(yield* Ref.get(current))
        } satisfies TopicStats
      }),
      setConcurrency,
      pause,
      resume,
      /** Takes a tuning, touching the consumer only for what differs from what it runs. */
      tune: (tuning: Tuning) =>
        Effect.gen(function* () {
          if ((yield* Ref.get(concurrency)) !== tuning.concurrency) yield* setConcurrency(tuning.concurrency)
          if ((yield* Ref.get(paused)) !== tuning.paused) yield* tuning.paused ? pause : resume
        }),
      /** Stops taking tasks and waits until those running have finished. */
      drain: Effect.gen(function* () {
        yield* Ref.set(paused, true)
        yield* onSubscription((s) => s.pause)
        yield* FiberSet.awaitEmpty(running)
      })
    } as const
  })

export type TopicPool = Effect.Effect.Success<ReturnType<typeof make>>
