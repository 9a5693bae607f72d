import { BrokerMemory, ConsumerMemory, MemoryTopics } from "@enamel/broker"
import { Effect, Layer, STM, TRef } from "effect"
import { consumerContract } from "./consumerContract.js"

consumerContract({
  name: "in-process broker",
  layer: Layer.provideMerge(ConsumerMemory.layer, BrokerMemory.layer),
  takeDeadLetters: Effect.flatMap(MemoryTopics.MemoryTopics, (topics) =>
    STM.commit(TRef.getAndSet(topics.deadLetters, []))
  ).pipe(Effect.map((messages) => messages.map((m) => m.body))),
  depth: MemoryTopics.depth,
  topic: () => `test.m${crypto.randomUUID().slice(0, 8)}`
})
