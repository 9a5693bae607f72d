import { Effect, Layer, Queue } from "effect"
import { Broker, type OutgoingMessage } from "./Broker.js"

/** An in-process broker: one unbounded queue per topic. For the embedded mode and tests. */
export const make = Effect.sync(() => {
  const queues = new Map<string, Queue.Queue<OutgoingMessage>>()
  const queueFor = (topic: string) =>
    Effect.gen(function* () {
      const existing = queues.get(topic)
      if (existing !== undefined) return existing
      const created = yield* Queue.unbounded<OutgoingMessage>()
      queues.set(topic, created)
      return created
    })
  return {
    broker: Broker.of({
      publish: (messages) =>
        Effect.forEach(messages, (m) => Effect.flatMap(queueFor(m.routingKey), (q) => q.offer(m)), {
          discard: true
        })
    }),
    queueFor
  }
})

export const layer = Layer.effect(
  Broker,
  Effect.map(make, (m) => m.broker)
)
