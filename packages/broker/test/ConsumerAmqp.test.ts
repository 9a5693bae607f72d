import { BrokerAmqp, ConsumerAmqp, Topology } from "@enamel/broker"
import { drainQueue, queueDepth, removeTopology } from "@enamel/broker/testing"
import { ConfigProvider, Effect, Layer } from "effect"
import { afterAll } from "vitest"
import { consumerContract } from "./consumerContract.js"

const namespace = `test-consumer-${crypto.randomUUID().slice(0, 8)}`
const topics: Array<string> = []
const config = Layer.setConfigProvider(
  ConfigProvider.fromMap(new Map([["ENAMEL_AMQP_NAMESPACE", namespace]])).pipe(
    ConfigProvider.orElse(() => ConfigProvider.fromEnv())
  )
)
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics, own: true })))

consumerContract({
  name: "RabbitMQ",
  layer: Layer.mergeAll(ConsumerAmqp.layer, BrokerAmqp.layer).pipe(Layer.provideMerge(config)),
  takeDeadLetters: drainQueue(Topology.make(namespace).deadLetterQueue).pipe(
    Effect.map((messages) => messages.map((m) => m.body)),
    Effect.orDie
  ),
  depth: (topic) => Effect.orDie(queueDepth(topic)),
  topic: () => {
    const topic = `test.a${crypto.randomUUID().slice(0, 8)}`
    topics.push(topic)
    return topic
  }
})
