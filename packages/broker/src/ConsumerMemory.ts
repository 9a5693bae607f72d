import { Effect, Layer, STM, Stream, TMap, TPriorityQueue, TRef } from "effect"
import { Consumer, type Delivery } from "./Consumer.js"
import { MemoryTopics, type Queued } from "./MemoryTopics.js"
import { announceTopic, countingDeadLetter } from "./metrics.js"

/**
 * Consumes the in-process broker's topics with RabbitMQ's semantics as the worker relies on them: at
 * most `prefetch` deliveries unsettled at once (0: no limit), highest priority first, ack / requeue
 * (delivered again, marked redelivered) / dead-letter, each settling a delivery once; pause stops new
 * deliveries while those in hand can still be settled; when the subscription's scope closes, what it
 * still holds goes back to the queue, as when a channel closes.
 */
export const make = Effect.map(MemoryTopics, (topics) =>
  Consumer.of({
    subscribe: (topic, options) =>
      Effect.gen(function* () {
        const queue = yield* STM.commit(topics.queue(topic))
        yield* announceTopic(topic)
        const prefetch = yield* TRef.make(options.prefetch)
        const paused = yield* TRef.make(false)
        const tags = yield* TRef.make(0)
        const inHand = yield* STM.commit(TMap.empty<number, Queued>())

        const giveBack = (queued: Queued) => TPriorityQueue.offer(queue, { ...queued, redelivered: true })
        yield* Effect.addFinalizer(() =>
          STM.commit(
            STM.flatMap(TMap.values(inHand), (held) =>
              STM.zipRight(
                STM.forEach(held, giveBack, { discard: true }),
                TMap.removeIf(inHand, () => true)
              )
            )
          )
        )

        const take = STM.gen(function* () {
          const limit = yield* TRef.get(prefetch)
          if ((yield* TRef.get(paused)) || (limit > 0 && (yield* TMap.size(inHand)) >= limit))
            return yield* STM.retry
          const queued = yield* TPriorityQueue.take(queue)
          const tag = yield* TRef.getAndUpdate(tags, (n) => n + 1)
          yield* TMap.set(inHand, tag, queued)
          return { tag, queued }
        })

        /** Settles a delivery still in hand; a second settle, or one after the scope closed, does nothing. */
        const settle = (tag: number, then: (queued: Queued) => STM.STM<void>) =>
          STM.commit(
            STM.flatMap(TMap.get(inHand, tag), (held) =>
              held._tag === "Some" ? STM.zipRight(TMap.remove(inHand, tag), then(held.value)) : STM.void
            )
          )

        const delivery = ({ tag, queued }: { tag: number; queued: Queued }): Delivery => ({
          body: queued.message.body,
          messageId: queued.message.messageId,
          redelivered: queued.redelivered,
          traceparent: queued.message.traceparent ?? undefined,
          ack: settle(tag, () => STM.void),
          requeue: settle(tag, giveBack),
          deadLetter: countingDeadLetter(
            topic,
            settle(tag, (q) => TRef.update(topics.deadLetters, (dead) => [...dead, q.message]))
          )
        })

        return {
          deliveries: Stream.repeatEffect(Effect.map(STM.commit(take), delivery)),
          setPrefetch: (count) => STM.commit(TRef.set(prefetch, count)),
          pause: STM.commit(TRef.set(paused, true)),
          resume: STM.commit(TRef.set(paused, false))
        }
      })
  })
)

/** The consumer over the topics BrokerMemory.layer publishes to (provide that layer to this one). */
export const layer = Layer.effect(Consumer, make)
