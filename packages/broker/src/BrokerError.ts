import { Data } from "effect"

/** The broker could not be reached or did not confirm: callers keep the message (outbox) and retry. */
export class BrokerError extends Data.TaggedError("BrokerError")<{
  readonly message: string
  readonly cause?: unknown
}> {
  readonly code = "broker.unavailable"
}
