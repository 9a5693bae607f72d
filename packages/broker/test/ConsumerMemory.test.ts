import { describe, expect, it } from "@effect/vitest"
import { Broker, BrokerMemory, Consumer, ConsumerMemory, type Delivery, MemoryTopics } from "@enamel/broker"
import { Chunk, Effect, Exit, Layer, Scope, Stream } from "effect"

const Memory = Layer.provideMerge(ConsumerMemory.layer, BrokerMemory.layer)
const topic = "test.memory"

const publish = (...bodies: ReadonlyArray<readonly [string, number]>) =>
  Effect.flatMap(Broker, (broker) =>
    broker.publish(bodies.map(([body, priority]) => ({ routingKey: topic, messageId: body, priority, body })))
  )

/** Takes `n` deliveries, or fewer if no more come within 100 ms. */
const takeUpTo = (deliveries: Stream.Stream<Delivery, unknown>, n: number) =>
  deliveries.pipe(
    Stream.take(n),
    Stream.interruptWhen(Effect.sleep("100 millis")),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )

describe("in-memory consumer", () => {
  it.scopedLive("delivers highest priority first, at most prefetch unsettled, again after ack", () =>
    Effect.gen(function* () {
      yield* publish(["low", 1], ["high", 9], ["mid", 5], ["mid2", 5])
      const subscription = yield* Effect.flatMap(Consumer, (c) => c.subscribe(topic, { prefetch: 2 }))
      const first = yield* takeUpTo(subscription.deliveries, 3)
      expect(first.map((d) => d.body)).toEqual(["high", "mid"])
      yield* Effect.forEach(first, (d) => d.ack)
      const second = yield* takeUpTo(subscription.deliveries, 3)
      expect(second.map((d) => d.body)).toEqual(["mid2", "low"])
      expect(yield* MemoryTopics.depth(topic)).toBe(0)
    }).pipe(Effect.provide(Memory))
  )

  it.scopedLive("requeue redelivers (marked), dead-letter keeps it aside, each settles once", () =>
    Effect.gen(function* () {
      yield* publish(["a", 5], ["b", 5])
      const subscription = yield* Effect.flatMap(Consumer, (c) => c.subscribe(topic, { prefetch: 1 }))
      const [a] = yield* takeUpTo(subscription.deliveries, 1)
      expect(a?.redelivered).toBe(false)
      yield* a?.requeue ?? Effect.void
      yield* a?.ack ?? Effect.void
      const [again] = yield* takeUpTo(subscription.deliveries, 1)
      expect([again?.body, again?.redelivered]).toEqual(["a", true])
      yield* again?.deadLetter ?? Effect.void
      const [b] = yield* takeUpTo(subscription.deliveries, 1)
      expect(b?.body).toBe("b")
      yield* b?.ack ?? Effect.void
      expect((yield* MemoryTopics.deadLettered).map((m) => m.body)).toEqual(["a"])
      expect(yield* MemoryTopics.depth(topic)).toBe(0)
    }).pipe(Effect.provide(Memory))
  )

  it.scopedLive(
    "pause stops deliveries, in-hand ones can still be settled; resume and setPrefetch go on",
    () =>
      Effect.gen(function* () {
        yield* publish(["1", 5], ["2", 5], ["3", 5])
        const subscription = yield* Effect.flatMap(Consumer, (c) => c.subscribe(topic, { prefetch: 1 }))
        const [one] = yield* takeUpTo(subscription.deliveries, 1)
        yield* subscription.pause
        yield* one?.ack ?? Effect.void
        expect(yield* takeUpTo(subscription.deliveries, 1)).toEqual([])
        yield* subscription.resume
        yield* subscription.setPrefetch(2)
        expect((yield* takeUpTo(subscription.deliveries, 3)).map((d) => d.body)).toEqual(["2", "3"])
      }).pipe(Effect.provide(Memory))
  )

  it.scopedLive("closing a subscription gives back what it held, to the next subscriber", () =>
    Effect.gen(function* () {
      yield* publish(["x", 5], ["y", 5])
      const consumer = yield* Consumer
      const scope = yield* Scope.make()
      const first = yield* Scope.extend(consumer.subscribe(topic, { prefetch: 5 }), scope)
      const held = yield* takeUpTo(first.deliveries, 2)
      expect(held.length).toBe(2)
      yield* Scope.close(scope, Exit.void)
      const second = yield* consumer.subscribe(topic, { prefetch: 5 })
      const again = yield* takeUpTo(second.deliveries, 2)
      expect(again.map((d) => [d.body, d.redelivered])).toEqual([
        ["x", true],
        ["y", true]
      ])
      // The first subscription's settle comes too late: it changes nothing.
      yield* held[0]?.ack ?? Effect.void
      expect(yield* MemoryTopics.depth(topic)).toBe(0)
    }).pipe(Effect.provide(Memory))
  )
})
