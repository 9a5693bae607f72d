import { Effect, Layer, STM, TPriorityQueue } from "effect"
import { Broker } from "./Broker.js"
import * as MemoryTopics from "./MemoryTopics.js"

/**
 * An in-process broker: one priority queue per topic, consumed by ConsumerMemory. For the embedded
 * mode and tests. Messages live only as long as the process: the embedded mode announces unfinished
 * tasks again when it starts.
 */
export const make = Effect.map(MemoryTopics.MemoryTopics, (topics) =>
  Broker.of({
    publish: (messages) =>
      STM.commit(
        STM.forEach(
          messages,
          (message) =>
            STM.flatMap(STM.zip(topics.queue(message.routingKey), topics.nextSeq), ([queue, seq]) =>
              TPriorityQueue.offer(queue, { message, seq, redelivered: false })
            ),
          { discard: true }
        )
      )
  })
)

/** The publisher, with the topics it shares with ConsumerMemory. */
export const layer = Layer.effect(Broker, make).pipe(Layer.provideMerge(MemoryTopics.layer))
