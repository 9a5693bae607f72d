import * as amqp from "amqplib"
import { Effect, Layer, Queue, Redacted, Stream } from "effect"
import { amqpUrl, connectTimeoutMs } from "./BrokerAmqp.js"
import { BrokerError } from "./BrokerError.js"
import { Consumer, type Delivery } from "./Consumer.js"
import { announceTopic, countingDeadLetter } from "./metrics.js"
import * as Topology from "./topology.js"

const fail = (message: string) => (cause: unknown) => new BrokerError({ message, cause })

/**
 * Consumes a topic's durable priority queue over its own connection and channel. Prefetch is the
 * channel's limit on unacknowledged deliveries (re-issued with basic.qos when concurrency changes).
 * When the connection drops, the stream fails with BrokerError; the caller re-subscribes (deliveries not
 * acked by then go back to the queue, which is what makes a crashed worker's tasks run elsewhere).
 */
export const make = Effect.gen(function* () {
  const url = Redacted.value(yield* amqpUrl)
  const topology = yield* Topology.fromConfig
  return Consumer.of({
    subscribe: (topic, options) =>
      Effect.gen(function* () {
        const connection = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () =>
              amqp.connect(url, {
                clientProperties: { connection_name: `enamel-worker-${process.pid}` },
                timeout: connectTimeoutMs
              }),
            catch: fail("cannot connect to RabbitMQ")
          }),
          (c) =>
            // Finalizers are uninterruptible; the close must be interruptible for the timeout to apply.
            Effect.interruptible(Effect.promise(() => c.close().catch(() => undefined))).pipe(
              Effect.timeoutOption("2 seconds")
            )
        )
        const channel = yield* Effect.tryPromise({
          try: async () => {
            const ch = await connection.createChannel()
            await ch.assertExchange(topology.tasksExchange, "topic", { durable: true })
            await ch.assertExchange(topology.deadLetterExchange, "topic", { durable: true })
            await ch.assertQueue(topology.deadLetterQueue, { durable: true })
            await ch.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, "#")
            await ch.assertQueue(topology.queueFor(topic), {
              durable: true,
              arguments: Topology.queueArguments(topology)
            })
            await ch.bindQueue(topology.queueFor(topic), topology.tasksExchange, topic)
            await ch.prefetch(options.prefetch, true)
            return ch
          },
          catch: fail(`cannot subscribe to ${topic}`)
        })
        const queue = yield* Queue.unbounded<Delivery>()
        const closed = yield* Queue.unbounded<BrokerError>()
        const settle = (f: () => void) =>
          Effect.sync(() => {
            try {
              f()
            } catch {
              // The channel is gone: the broker requeues the message by itself.
            }
          })
        connection.on("close", () =>
          closed.unsafeOffer(new BrokerError({ message: "RabbitMQ closed the connection" }))
        )
        connection.on("error", () => undefined)
        const onMessage = (message: amqp.ConsumeMessage | null) => {
          if (message === null) {
            closed.unsafeOffer(
              new BrokerError({ message: `the ${topic} consumer was cancelled by RabbitMQ` })
            )
            return
          }
          const id: unknown = message.properties.messageId
          const traceparent: unknown = message.properties.headers?.traceparent
          queue.unsafeOffer({
            body: message.content.toString(),
            messageId: typeof id === "string" ? id : undefined,
            redelivered: message.fields.redelivered,
            traceparent: typeof traceparent === "string" ? traceparent : undefined,
            ack: settle(() => channel.ack(message)),
            requeue: settle(() => channel.nack(message, false, true)),
            deadLetter: countingDeadLetter(
              topic,
              settle(() => channel.nack(message, false, false))
            )
          })
        }
        let consumerTag: string | undefined
        const consume = Effect.tryPromise({
          try: async () => {
            if (consumerTag === undefined)
              consumerTag = (await channel.consume(topology.queueFor(topic), onMessage)).consumerTag
          },
          catch: fail(`cannot consume ${topic}`)
        })
        // basic.cancel stops deliveries but keeps the channel, so deliveries in hand can still be acked.
        const cancel = Effect.tryPromise({
          try: async () => {
            if (consumerTag !== undefined) await channel.cancel(consumerTag)
            consumerTag = undefined
          },
          catch: fail(`cannot pause ${topic}`)
        })
        yield* consume
        yield* announceTopic(topic)
        const failed = Stream.fromEffect(Effect.flatMap(closed.take, Effect.fail))
        return {
          deliveries: Stream.merge(Stream.fromQueue(queue), failed, { haltStrategy: "either" }),
          setPrefetch: (count) =>
            Effect.tryPromise({
              try: () => channel.prefetch(count, true),
              catch: fail("cannot change prefetch")
            }).pipe(Effect.asVoid),
          pause: cancel,
          resume: consume
        }
      })
  })
})

export const layer = Layer.effect(Consumer, make)
