import { describe, expect, it } from "@effect/vitest"
import { Broker, Consumer, type Delivery } from "@enamel/broker"
import { Chunk, Effect, Exit, type Layer, Scope, Stream } from "effect"
import { eventually } from "../../../test/support/poll.js"

/** What the contract needs to see of a backend besides Broker and Consumer. */
export interface ConsumerBackend<R> {
  readonly name: string
  /** A fresh broker per test, with what the two effects below need. */
  readonly layer: Layer.Layer<Broker | Consumer | R, unknown>
  /** Bodies of the messages dead-lettered so far (taken: a second call returns only newer ones). */
  readonly takeDeadLetters: Effect.Effect<ReadonlyArray<string>, never, R>
  /** Messages waiting in the topic's queue. */
  readonly depth: (topic: string) => Effect.Effect<number, never, R>
  /** A topic name of this test's own; the backend may remove them at the end. */
  readonly topic: () => string
}

/** Takes `n` deliveries, or fewer if no more come within `windowMs`. */
const takeUpTo = (deliveries: Stream.Stream<Delivery, unknown>, n: number, windowMs = 300) =>
  deliveries.pipe(
    Stream.take(n),
    Stream.interruptWhen(Effect.sleep(windowMs)),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )

const publish = (topic: string, ...bodies: ReadonlyArray<readonly [string, number]>) =>
  Effect.flatMap(Broker, (broker) =>
    broker.publish(
      bodies.map(([body, priority]) => ({ routingKey: topic, messageId: `${topic}-${body}`, priority, body }))
    )
  )

const subscribe = (topic: string, prefetch: number) =>
  Effect.flatMap(Consumer, (c) => c.subscribe(topic, { prefetch }))

/**
 * The consumer semantics the worker relies on (TopicPool, TaskExecutor), the same for RabbitMQ and the
 * in-process broker: priority order, prefetch, ack, requeue (redelivered), dead letters, pause/resume,
 * and what a closed subscription held going back to the queue.
 */
export const consumerContract = <R>(backend: ConsumerBackend<R>) =>
  describe(`consumer contract: ${backend.name}`, () => {
    const run = <A, E>(effect: Effect.Effect<A, E, Broker | Consumer | R | Scope.Scope>) =>
      Effect.scoped(Effect.provide(effect, backend.layer))

    it.live("delivers highest priority first, at most prefetch unsettled, more after ack", () =>
      run(
        Effect.gen(function* () {
          const topic = backend.topic()
          yield* publish(topic, ["low", 1], ["high", 9], ["mid", 5], ["mid2", 5])
          const subscription = yield* subscribe(topic, 2)
          const first = yield* takeUpTo(subscription.deliveries, 3)
          expect(first.map((d) => d.body)).toEqual(["high", "mid"])
          yield* Effect.forEach(first, (d) => d.ack)
          const second = yield* takeUpTo(subscription.deliveries, 3)
          expect(second.map((d) => d.body)).toEqual(["mid2", "low"])
          yield* Effect.forEach(second, (d) => d.ack)
          expect(yield* backend.depth(topic)).toBe(0)
        })
      )
    )

    it.live("requeue delivers again (marked redelivered); dead-letter sets it aside; each settles once", () =>
      run(
        Effect.gen(function* () {
          const topic = backend.topic()
          yield* backend.takeDeadLetters
          yield* publish(topic, ["a", 5], ["b", 4])
          const subscription = yield* subscribe(topic, 1)
          const [a] = yield* takeUpTo(subscription.deliveries, 1)
          expect([a?.body, a?.redelivered]).toEqual(["a", false])
          yield* a?.requeue ?? Effect.void
          // RabbitMQ may hand out "b" before the requeued "a" is back in the queue (its requeue and the
          // freed prefetch slot reach the queue by different paths), so the two come in either order:
          // "a" again, marked redelivered, and dead-lettered; "b" for the first time, and acked.
          const seen: Array<readonly [string | undefined, boolean | undefined]> = []
          for (let i = 0; i < 2; i++) {
            const [next] = yield* takeUpTo(subscription.deliveries, 1)
            seen.push([next?.body, next?.redelivered])
            yield* next?.body === "a" ? next.deadLetter : (next?.ack ?? Effect.void)
          }
          expect([...seen].sort()).toEqual([
            ["a", true],
            ["b", false]
          ])
          const deadLetters = yield* eventually(backend.takeDeadLetters, (taken) => taken.length > 0, {
            what: "the message to be dead-lettered"
          })
          expect(deadLetters).toEqual(["a"])
          expect(yield* backend.depth(topic)).toBe(0)
        })
      )
    )

    it.live(
      "pause stops deliveries while those in hand can be settled; resume and a larger prefetch go on",
      () =>
        run(
          Effect.gen(function* () {
            const topic = backend.topic()
            yield* publish(topic, ["1", 5], ["2", 5], ["3", 5])
            const subscription = yield* subscribe(topic, 1)
            const [one] = yield* takeUpTo(subscription.deliveries, 1)
            yield* subscription.pause
            yield* one?.ack ?? Effect.void
            expect(yield* takeUpTo(subscription.deliveries, 1)).toEqual([])
            yield* subscription.setPrefetch(2)
            yield* subscription.resume
            const rest = yield* takeUpTo(subscription.deliveries, 3)
            expect(rest.map((d) => d.body)).toEqual(["2", "3"])
            yield* Effect.forEach(rest, (d) => d.ack)
          })
        )
    )

    it.live("what a closed subscription held goes back to the queue, for the next subscriber", () =>
      run(
        Effect.gen(function* () {
          const topic = backend.topic()
          yield* publish(topic, ["x", 5], ["y", 5])
          const scope = yield* Scope.make()
          const first = yield* Scope.extend(subscribe(topic, 5), scope)
          const held = yield* takeUpTo(first.deliveries, 2)
          expect(held.length).toBe(2)
          yield* Scope.close(scope, Exit.void)
          const second = yield* subscribe(topic, 5)
          const again = yield* takeUpTo(second.deliveries, 2)
          expect(again.map((d) => [d.body, d.redelivered])).toEqual([
            ["x", true],
            ["y", true]
          ])
          // The first subscription's settle comes too late: it changes nothing.
          yield* held[0]?.ack ?? Effect.void
          yield* Effect.forEach(again, (d) => d.ack)
          expect(yield* backend.depth(topic)).toBe(0)
        })
      )
    )

    it.live("carries the publisher's W3C traceparent to the consumer (traces continue in the worker)", () =>
      run(
        Effect.gen(function* () {
          const topic = backend.topic()
          const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
          const broker = yield* Broker
          yield* broker.publish([
            { routingKey: topic, messageId: `${topic}-traced`, priority: 5, body: "traced", traceparent },
            { routingKey: topic, messageId: `${topic}-plain`, priority: 1, body: "plain" }
          ])
          const subscription = yield* subscribe(topic, 2)
          const got = yield* takeUpTo(subscription.deliveries, 2)
          expect(got.map((d) => [d.body, d.traceparent])).toEqual([
            ["traced", traceparent],
            ["plain", undefined]
          ])
          yield* Effect.forEach(got, (d) => d.ack)
        })
      )
    )
  })
