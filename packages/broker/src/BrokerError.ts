import { Data } from "effect"

/**
 * The broker could not be reached or did not confirm: callers keep the message (outbox) and retry. It
 * has no code: no user or operator sees it as such (the API answers `service.unavailable`).
 */
export class BrokerError extends Data.TaggedError("BrokerError")<{
  readonly message: string
  readonly cause?: unknown
}> {}
