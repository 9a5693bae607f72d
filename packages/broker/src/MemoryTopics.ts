import { Context, Effect, Layer, Order, STM, TPriorityQueue, TRef } from "effect"
import type { OutgoingMessage } from "./Broker.js"

/** A message waiting in a topic's queue. `seq` keeps publishing order within a priority. */
export interface Queued {
  readonly message: OutgoingMessage
  readonly seq: number
  readonly redelivered: boolean
}

/** Higher priority first (as RabbitMQ's priority queues), then first published first. */
const byPriority = Order.combine(
  Order.mapInput(Order.reverse(Order.number), (q: Queued) => q.message.priority),
  Order.mapInput(Order.number, (q: Queued) => q.seq)
)

/**
 * The in-process broker's state, shared by its publisher (BrokerMemory) and its consumer
 * (ConsumerMemory): one priority queue per topic, and the dead letters. Transactional (STM), so a
 * consumer's take and its bookkeeping of what it holds happen together or not at all.
 */
export interface Topics {
  readonly queue: (topic: string) => STM.STM<TPriorityQueue.TPriorityQueue<Queued>>
  readonly nextSeq: STM.STM<number>
  readonly deadLetters: TRef.TRef<ReadonlyArray<OutgoingMessage>>
}

export class MemoryTopics extends Context.Tag("@enamel/broker/MemoryTopics")<MemoryTopics, Topics>() {}

export const make = Effect.gen(function* () {
  const queues = yield* TRef.make(new Map<string, TPriorityQueue.TPriorityQueue<Queued>>())
  const seq = yield* TRef.make(0)
  const deadLetters = yield* TRef.make<ReadonlyArray<OutgoingMessage>>([])
  const queue = (topic: string) =>
    STM.flatMap(TRef.get(queues), (all) => {
      const existing = all.get(topic)
      if (existing !== undefined) return STM.succeed(existing)
      return TPriorityQueue.empty(byPriority).pipe(
        STM.tap((created) => TRef.set(queues, new Map([...all, [topic, created]])))
      )
    })
  return MemoryTopics.of({ queue, nextSeq: TRef.getAndUpdate(seq, (n) => n + 1), deadLetters })
})

export const layer = Layer.effect(MemoryTopics, make)

/** For tests: messages waiting in a topic's queue (not those in a consumer's hand). */
export const depth = (topic: string) =>
  Effect.flatMap(MemoryTopics, (topics) => STM.commit(STM.flatMap(topics.queue(topic), TPriorityQueue.size)))

/** For tests: what was dead-lettered. */
export const deadLettered = Effect.flatMap(MemoryTopics, (topics) => TRef.get(topics.deadLetters))
