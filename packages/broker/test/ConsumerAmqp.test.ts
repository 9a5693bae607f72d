import { describe, expect, it } from "@effect/vitest"
import { Broker, BrokerAmqp, Consumer, ConsumerAmqp, Topology } from "@enamel/broker"
import { drainQueue, queueDepth, removeTopology } from "@enamel/broker/testing"
import { Cause, ConfigProvider, Effect, Exit, Layer, Option, Stream } from "effect"
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

describe("RabbitMQ closes the consumer's channel", () => {
  it.live("the subscription ends with BrokerError (the worker subscribes again), nothing is thrown", () =>
    Effect.gen(function* () {
      const topic = `test.c${crypto.randomUUID().slice(0, 8)}`
      topics.push(topic)
      const subscription = yield* Effect.flatMap(Consumer, (c) => c.subscribe(topic, { prefetch: 1 }))
      yield* Effect.flatMap(Broker, (b) =>
        b.publish([{ routingKey: topic, messageId: "m", priority: 1, body: "x" }])
      )
      const delivery = yield* subscription.deliveries.pipe(Stream.runHead, Effect.flatten)
      // A second ack of one delivery is a protocol error: RabbitMQ closes the channel (as it does when a
      // delivery stays unacked past its consumer timeout). amqplib throws the channel's unheard 'error'
      // into its frame loop and closes the whole connection; the subscription must end, not hang.
      yield* delivery.ack
      yield* delivery.ack
      const ended = yield* subscription.deliveries.pipe(
        Stream.runDrain,
        Effect.timeout("5 seconds"),
        Effect.exit
      )
      expect(Exit.isFailure(ended) && Cause.failureOption(ended.cause)).toEqual(
        Option.some(expect.objectContaining({ _tag: "BrokerError" }))
      )
    }).pipe(
      Effect.scoped,
      Effect.provide(Layer.mergeAll(ConsumerAmqp.layer, BrokerAmqp.layer).pipe(Layer.provideMerge(config)))
    )
  )
})
