import * as amqp from "amqplib"
import { Effect, Redacted } from "effect"
import { amqpUrl } from "./BrokerAmqp.js"
import * as Topology from "./topology.js"

export interface Received {
  readonly body: string
  readonly priority: unknown
  readonly persistent: boolean
  readonly messageId: unknown
}

/** For tests: takes every message waiting in a topic's queue, then deletes the queue. */
export const drainTopic = (topic: string) =>
  Effect.flatMap(Topology.fromConfig, (t) => drainQueue(t.queueFor(topic), true))

/** For tests: takes every message waiting in a queue (and deletes the queue if asked). */
export const drainQueue = (queue: string, deleteAfter = false) =>
  Effect.gen(function* () {
    const url = Redacted.value(yield* amqpUrl)
    return yield* Effect.promise(async () => {
      const connection = await amqp.connect(url)
      const channel = await connection.createChannel()
      // A missing queue closes the channel with an error event: nothing to drain then.
      channel.on("error", () => undefined)
      const exists = await channel.checkQueue(queue).then(
        () => true,
        () => false
      )
      if (!exists) {
        await connection.close().catch(() => undefined)
        return []
      }
      const got: Array<Received> = []
      for (;;) {
        const message = await channel.get(queue, { noAck: true })
        if (message === false) break
        got.push({
          body: message.content.toString(),
          priority: message.properties.priority,
          persistent: message.properties.deliveryMode === 2,
          messageId: message.properties.messageId
        })
      }
      if (deleteAfter) await channel.deleteQueue(queue)
      await connection.close()
      return got
    })
  })

/** For tests: messages in a topic's queue, ready or unacknowledged. */
export const queueDepth = (topic: string) =>
  Effect.gen(function* () {
    const url = Redacted.value(yield* amqpUrl)
    const topology = yield* Topology.fromConfig
    return yield* Effect.promise(async () => {
      const connection = await amqp.connect(url)
      const channel = await connection.createChannel()
      const { messageCount } = await channel.checkQueue(topology.queueFor(topic))
      await connection.close()
      return messageCount
    })
  })

/**
 * For tests: removes what a test made on the broker (its topics' queues, and for a namespace of its own
 * also the exchanges and the dead-letter queue), so test runs leave nothing behind.
 */
export const removeTopology = (options: {
  readonly namespace: string
  readonly topics: ReadonlyArray<string>
  readonly own: boolean
}) =>
  Effect.gen(function* () {
    const url = Redacted.value(yield* amqpUrl)
    const topology = Topology.make(options.namespace)
    yield* Effect.promise(async () => {
      const connection = await amqp.connect(url)
      const channel = await connection.createChannel()
      channel.on("error", () => undefined)
      for (const topic of options.topics)
        await channel.deleteQueue(topology.queueFor(topic)).catch(() => undefined)
      if (options.own) {
        await channel.deleteQueue(topology.deadLetterQueue).catch(() => undefined)
        await channel.deleteExchange(topology.tasksExchange).catch(() => undefined)
        await channel.deleteExchange(topology.deadLetterExchange).catch(() => undefined)
      }
      await connection.close().catch(() => undefined)
    })
  }).pipe(Effect.ignore)

/**
 * For tests: a queue bound with `#` to the namespace's task and dead-letter exchanges, so it receives a
 * copy of every message published there from now on (read it with drainQueue(queue, true)).
 */
export const tapExchanges = (namespace: string) =>
  Effect.gen(function* () {
    const url = Redacted.value(yield* amqpUrl)
    const topology = Topology.make(namespace)
    const queue = `${namespace}.tap`
    yield* Effect.promise(async () => {
      const connection = await amqp.connect(url)
      const channel = await connection.createChannel()
      await channel.assertQueue(queue, { durable: false })
      for (const exchange of [topology.tasksExchange, topology.deadLetterExchange]) {
        await channel.assertExchange(exchange, "topic", { durable: true })
        await channel.bindQueue(queue, exchange, "#")
      }
      await connection.close()
    })
    return queue
  })

/** For tests: a topic's queue in a namespace: messages waiting (not those in a consumer's hands), consumers. */
export const queueState = (namespace: string, topic: string) =>
  Effect.gen(function* () {
    const url = Redacted.value(yield* amqpUrl)
    const queue = Topology.make(namespace).queueFor(topic)
    return yield* Effect.tryPromise(async () => {
      const connection = await amqp.connect(url)
      try {
        const channel = await connection.createChannel()
        const { messageCount, consumerCount } = await channel.checkQueue(queue)
        return { queue, waiting: messageCount, consumers: consumerCount }
      } finally {
        await connection.close().catch(() => undefined)
      }
    })
  })
