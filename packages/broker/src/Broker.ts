import { Context, type Effect } from "effect"
import type { BrokerError } from "./BrokerError.js"

/** A message for a task topic; the routing key is the task type, e.g. `server.create`. */
export interface OutgoingMessage {
  readonly routingKey: string
  /** Also the AMQP message id, so consumers can recognise a redelivery. */
  readonly messageId: string
  /** 0..9; RabbitMQ delivers higher first from a priority queue. */
  readonly priority: number
  readonly body: string
  /** W3C trace context: sent as the AMQP header `traceparent`, so the consumer continues the trace. */
  readonly traceparent?: string | null
}

/**
 * Where tasks are published. Implemented by RabbitMQ (topic exchange, persistent messages, publisher
 * confirms) and in memory; both satisfy the same tests.
 */
export class Broker extends Context.Tag("@enamel/broker/Broker")<
  Broker,
  {
    /**
     * Publishes a batch and succeeds only once the broker has confirmed every message of it (for
     * RabbitMQ: stored durably and routed to a queue). On failure some messages may still have been
     * delivered: consumers must treat a message as "at least once".
     */
    readonly publish: (messages: ReadonlyArray<OutgoingMessage>) => Effect.Effect<void, BrokerError>
  }
>() {}
