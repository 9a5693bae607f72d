import { Context, Effect, Layer, Option, Ref } from "effect"

/** One HTTP call to OpenStack, as the task timeline shows it. */
export interface RequestLogEntry {
  /** `keystone`, `nova`, `neutron`, `cinder`, `glance` or `barbican`. */
  readonly service: string
  readonly method: string
  readonly url: string
  /** Absent when no response arrived (connection refused, timeout). */
  readonly status: number | undefined
  /** The service's `X-OpenStack-Request-ID` (Nova: also `X-Compute-Request-Id`). */
  readonly requestId: string | undefined
  readonly durationMs: number
}

/**
 * Where the clients report every call they make. Optional: when no RequestLog is provided, nothing is
 * recorded and nothing is required.
 */
export class RequestLog extends Context.Tag("@enamel/openstack-clients/RequestLog")<
  RequestLog,
  { readonly record: (entry: RequestLogEntry) => Effect.Effect<void> }
>() {}

/**
 * One debug line per call (ENAMEL_LOG_LEVEL=debug shows them), annotated with the service's request id
 * as `openstack_request_id` (the key @enamel/domain's Logging lifts into JSON lines). The path only: no
 * query string.
 */
const logCall = (entry: RequestLogEntry) =>
  Effect.logDebug(
    `${entry.service} ${entry.method} ${entry.url.split("?")[0]} → ${entry.status ?? "no answer"}`
  ).pipe(
    Effect.annotateLogs({
      openstack_service: entry.service,
      duration_ms: entry.durationMs,
      ...(entry.requestId === undefined ? {} : { openstack_request_id: entry.requestId })
    })
  )

/** Logs the call (debug) and records the entry in the RequestLog in context, if there is one. */
export const recordRequest = (entry: RequestLogEntry): Effect.Effect<void> =>
  Effect.zipRight(
    logCall(entry),
    Effect.flatMap(
      Effect.serviceOption(RequestLog),
      Option.match({ onNone: () => Effect.void, onSome: (log) => log.record(entry) })
    )
  )

/** A RequestLog kept in memory, with a way to read what it holds (for tests and stage annotations). */
export const makeMemory = Effect.gen(function* () {
  const entries = yield* Ref.make<ReadonlyArray<RequestLogEntry>>([])
  const log = RequestLog.of({ record: (entry) => Ref.update(entries, (all) => [...all, entry]) })
  return { log, entries: Ref.get(entries), clear: Ref.set(entries, []) }
})

/**
 * The global request id (`req-<uuid>`) sent on every call as `X-OpenStack-Request-ID`, so that the logs
 * of all services involved in one Enamel task can be joined. Optional.
 */
export class GlobalRequestId extends Context.Tag("@enamel/openstack-clients/GlobalRequestId")<
  GlobalRequestId,
  string
>() {}

/** The form OpenStack services accept for an inbound global request id. */
export const globalRequestIdPattern = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const makeGlobalRequestId: Effect.Effect<string> = Effect.sync(() => `req-${crypto.randomUUID()}`)

/** Provides a fresh global request id, e.g. one per task. */
export const layerGlobalRequestId = Layer.effect(GlobalRequestId, makeGlobalRequestId)
