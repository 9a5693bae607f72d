import { FiberRef } from "effect"

/** This request's id: the caller's `X-OpenStack-Request-ID` when well-formed, else a new `req-<uuid>`. */
export const currentRequestId = FiberRef.unsafeMake("req-none")

const wellFormed = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const requestIdFrom = (header: string | undefined): string =>
  header !== undefined && wellFormed.test(header) ? header : `req-${crypto.randomUUID()}`
