import { Clock, Effect, Option } from "effect"
import { ClientSettings } from "../ClientSettings.js"
import { type OpenStackError, OpenStackServiceUnavailable, OpenStackTimeout } from "../errors.js"
import { GlobalRequestId, recordRequest } from "../RequestLog.js"
import type { HttpCall, HttpReply, HttpTransport } from "./HttpTransport.js"
import { errorFromReply, requestIdOf } from "./statusErrors.js"

/**
 * Sends one call to a service: adds the global request id, bounds the call by the request timeout,
 * reports it to the RequestLog, and turns error statuses into typed errors. No retries, no auth.
 */
export const send = (
  transport: HttpTransport,
  service: string,
  call: HttpCall
): Effect.Effect<HttpReply, OpenStackError> =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings
    const globalId = yield* Effect.serviceOption(GlobalRequestId)
    const headers = Option.match(globalId, {
      onNone: () => call.headers,
      onSome: (id) => ({ ...call.headers, "X-OpenStack-Request-ID": id })
    })
    const started = yield* Clock.currentTimeMillis
    const record = (status: number | undefined, requestId: string | undefined) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        recordRequest({
          service,
          method: call.method,
          url: call.url,
          status,
          requestId,
          durationMs: now - started
        })
      )
    const outcome = yield* transport.send({ ...call, headers }).pipe(
      Effect.timeoutFail({
        duration: settings.requestTimeout,
        onTimeout: () =>
          new OpenStackTimeout({
            service,
            message: `${service} did not answer ${call.method} ${call.url} in time`
          })
      }),
      Effect.catchTag("TransportFailure", (failure) =>
        Effect.fail(
          new OpenStackServiceUnavailable({
            service,
            message: `${service} unreachable (${call.method} ${call.url}): ${failure.message}`
          })
        )
      ),
      Effect.tapError(() => record(undefined, undefined))
    )
    yield* record(outcome.status, requestIdOf(outcome.headers))
    if (outcome.status >= 400) return yield* Effect.fail(errorFromReply(service, outcome))
    return outcome
  })
