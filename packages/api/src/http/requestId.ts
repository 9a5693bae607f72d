import { currentRequestId } from "@enamel/domain/contract"

/**
 * This request's id: the caller's `X-OpenStack-Request-ID` when well-formed, else a new `req-<uuid>`.
 * `currentRequestId` is the contract's, so that anything encoding an answer through it says the same id.
 */
export { currentRequestId }

const wellFormed = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const requestIdFrom = (header: string | undefined): string =>
  header !== undefined && wellFormed.test(header) ? header : `req-${crypto.randomUUID()}`
