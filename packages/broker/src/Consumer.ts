import { Context, type Effect, type Scope, type Stream } from "effect"
import type { BrokerError } from "./BrokerError.js"

/** One message taken from a topic's queue; it stays unacknowledged until one of these is called. */
export interface Delivery {
  readonly body: string
  readonly messageId: string | undefined
  /** Set when the broker delivered this message before (e.g. to a worker that died). */
  readonly redelivered: boolean
  /** The publisher's W3C trace context (AMQP header `traceparent`), when it sent one. */
  readonly traceparent?: string | undefined
  /** Done with it: the broker forgets the message. */
  readonly ack: Effect.Effect<void>
  /** Give it back to the queue for another consumer (e.g. on shutdown). */
  readonly requeue: Effect.Effect<void>
  /** It can never be processed (undecodable, or failed too often): to the dead-letter queue. */
  readonly deadLetter: Effect.Effect<void>
}

export interface Subscription {
  readonly deliveries: Stream.Stream<Delivery, BrokerError>
  /** How many unacknowledged deliveries the broker may hand this subscription at once. */
  readonly setPrefetch: (count: number) => Effect.Effect<void, BrokerError>
  /** Stops new deliveries; those in hand can still be acknowledged. */
  readonly pause: Effect.Effect<void, BrokerError>
  readonly resume: Effect.Effect<void, BrokerError>
}

/** Where workers take tasks from: one subscription per topic, living in a scope. */
export class Consumer extends Context.Tag("@enamel/broker/Consumer")<
  Consumer,
  {
    readonly subscribe: (
      topic: string,
      options: { readonly prefetch: number }
    ) => Effect.Effect<Subscription, BrokerError, Scope.Scope>
  }
>() {}
