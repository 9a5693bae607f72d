import * as amqp from "amqplib"
import { Config, Effect, Layer, Option, Redacted, Ref } from "effect"
import { Broker } from "./Broker.js"
import { BrokerError } from "./BrokerError.js"
import * as Topology from "./topology.js"

/** ENAMEL_AMQP_URL, default amqp://guest:guest@127.0.0.1:5672 (RabbitMQ's loopback-only guest). */
export const amqpUrl = Config.redacted("ENAMEL_AMQP_URL").pipe(
  Config.withDefault(Redacted.make("amqp://guest:guest@127.0.0.1:5672"))
)

interface Link {
  readonly connection: amqp.ChannelModel
  readonly channel: amqp.ConfirmChannel
  /** Topics whose queue this link has declared. */
  readonly declared: Set<string>
  /** Set by the channel's `return` event: a mandatory message no queue took. */
  readonly returned: Set<string>
  broken: boolean
}

const fail = (message: string) => (cause: unknown) => new BrokerError({ message, cause })

/**
 * How long opening a connection may take. Without a bound, a connect whose packets a partition drops
 * waits for the kernel's SYN retries (over two minutes), and keeps waiting after the network heals.
 */
export const connectTimeoutMs = 10_000

const open = (url: Redacted.Redacted, topology: Topology.Topology) =>
  Effect.tryPromise({
    try: async () => {
      const connection = await amqp.connect(Redacted.value(url), {
        clientProperties: { connection_name: `enamel-${process.pid}` },
        timeout: connectTimeoutMs
      })
      const channel = await connection.createConfirmChannel()
      const link: Link = { connection, channel, declared: new Set(), returned: new Set(), broken: false }
      const breakLink = () => {
        link.broken = true
      }
      // A dead connection is replaced on the next publish; errors surface there, not as crashes.
      connection.on("error", breakLink)
      connection.on("close", breakLink)
      channel.on("error", breakLink)
      channel.on("close", breakLink)
      channel.on("return", (message: amqp.Message) => {
        const id: unknown = message.properties.messageId
        if (typeof id === "string") link.returned.add(id)
      })
      await channel.assertExchange(topology.tasksExchange, "topic", { durable: true })
      await channel.assertExchange(topology.deadLetterExchange, "topic", { durable: true })
      await channel.assertQueue(topology.deadLetterQueue, { durable: true })
      await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, "#")
      return link
    },
    catch: fail("cannot connect to RabbitMQ")
  })

/** Closes a live link; a broken one is only dropped (amqplib's close on a dead connection never settles). */
const close = (link: Link) =>
  link.broken
    ? Effect.void
    : Effect.interruptible(Effect.promise(() => link.connection.close().catch(() => undefined))).pipe(
        Effect.timeoutOption("2 seconds"),
        Effect.asVoid
      )

/**
 * Publishes to RabbitMQ over one confirm channel, reconnecting when the link breaks. Messages are
 * persistent and mandatory; the queue for each topic is declared before its first message, so a task
 * published before any worker started is kept rather than dropped.
 */
export const make = Effect.gen(function* () {
  const url = yield* amqpUrl
  const topology = yield* Topology.fromConfig
  const current = yield* Ref.make(Option.none<Link>())
  const lock = yield* Effect.makeSemaphore(1)
  yield* Effect.addFinalizer(() =>
    Effect.flatMap(Ref.get(current), Option.match({ onNone: () => Effect.void, onSome: close }))
  )

  const link = Effect.gen(function* () {
    const existing = yield* Ref.get(current)
    if (Option.isSome(existing) && !existing.value.broken) return existing.value
    if (Option.isSome(existing)) yield* close(existing.value)
    const fresh = yield* open(url, topology)
    yield* Ref.set(current, Option.some(fresh))
    return fresh
  })

  const declare = (l: Link, topic: string) =>
    l.declared.has(topic)
      ? Effect.void
      : Effect.tryPromise({
          try: async () => {
            await l.channel.assertQueue(topology.queueFor(topic), {
              durable: true,
              arguments: Topology.queueArguments(topology)
            })
            await l.channel.bindQueue(topology.queueFor(topic), topology.tasksExchange, topic)
            l.declared.add(topic)
          },
          catch: fail(`cannot declare the queue for ${topic}`)
        })

  return Broker.of({
    publish: (messages) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          if (messages.length === 0) return
          const l = yield* link
          for (const topic of new Set(messages.map((m) => m.routingKey))) yield* declare(l, topic)
          for (const m of messages) l.returned.delete(m.messageId)
          yield* Effect.tryPromise({
            try: () => {
              for (const m of messages) {
                l.channel.publish(topology.tasksExchange, m.routingKey, Buffer.from(m.body), {
                  persistent: true,
                  mandatory: true,
                  priority: m.priority,
                  messageId: m.messageId,
                  contentType: "application/json",
                  ...(m.traceparent ? { headers: { traceparent: m.traceparent } } : {})
                })
              }
              return l.channel.waitForConfirms()
            },
            catch: fail("RabbitMQ did not confirm the batch")
          })
          const unrouted = messages.filter((m) => l.returned.has(m.messageId))
          if (unrouted.length > 0) {
            return yield* new BrokerError({ message: `no queue took ${unrouted.length} message(s)` })
          }
        }).pipe(
          Effect.tapError(() =>
            Effect.flatMap(
              Ref.get(current),
              Option.match({
                onNone: () => Effect.void,
                onSome: (l) =>
                  Effect.sync(() => {
                    l.broken = true
                  })
              })
            )
          ),
          Effect.withSpan("BrokerAmqp.publish", { attributes: { count: messages.length } })
        )
      )
  })
})

export const layer = Layer.scoped(Broker, make)
