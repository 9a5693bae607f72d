import { Clock, Deferred, type Duration, Effect, Fiber, HashMap, Option, Predicate } from "effect"
import { ClientSettings } from "../ClientSettings.js"
import { type OpenStackError, OpenStackServiceUnavailable, OpenStackTimeout } from "../errors.js"
import { GlobalRequestId, recordRequest } from "../RequestLog.js"
import { CallGate } from "./CallGate.js"
import type { HttpCall, HttpReply, HttpTransport } from "./HttpTransport.js"
import { recordCall } from "./metrics.js"
import { errorFromReply, requestIdOf } from "./statusErrors.js"

/**
 * Bounds `call` by `duration` also where the caller cannot be interrupted: a stage that creates runs
 * uninterruptibly (so that what it made gets recorded), and `Effect.timeout` there would wait for the
 * call to end however long it hangs. The call runs in a fiber of its own that the timeout abandons
 * (interrupting it aborts the request). Interruption from outside still waits for the call where the
 * caller asked for that. A gate that closes (see CallGate) cuts the call off the same way, as an
 * interruption.
 */
const boundedBy = <A, E, E2>(
  call: Effect.Effect<A, E>,
  duration: Duration.Duration,
  onTimeout: () => E2,
  gateClosed: Effect.Effect<void> | undefined
): Effect.Effect<A, E | E2> =>
  Effect.gen(function* () {
    const done = yield* Deferred.make<A, E | E2>()
    const calling = yield* Effect.forkDaemon(Effect.interruptible(Effect.intoDeferred(call, done)))
    const timing = yield* Effect.forkDaemon(
      Effect.interruptible(Effect.zipRight(Effect.sleep(duration), Deferred.fail(done, onTimeout())))
    )
    const gating =
      gateClosed === undefined
        ? undefined
        : yield* Effect.forkDaemon(
            Effect.interruptible(Effect.zipRight(gateClosed, Deferred.interrupt(done)))
          )
    return yield* Deferred.await(done).pipe(
      Effect.ensuring(
        Effect.zipRight(
          Effect.zipRight(Fiber.interruptFork(calling), Fiber.interruptFork(timing)),
          gating === undefined ? Effect.void : Fiber.interruptFork(gating)
        )
      )
    )
  })

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
    const gate = yield* CallGate
    // Closed already: nothing is sent, and the caller ends as interrupted (see CallGate).
    if (yield* gate.isClosed) return yield* Effect.interrupt
    const globalId = yield* Effect.serviceOption(GlobalRequestId)
    const headers = Option.match(globalId, {
      onNone: () => call.headers,
      onSome: (id) => ({ ...call.headers, "X-OpenStack-Request-ID": id })
    })
    const started = yield* Clock.currentTimeMillis
    const record = (status: number | undefined, requestId: string | undefined) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.zipRight(
          recordCall(service, call.method, status, now - started),
          recordRequest({
            service,
            method: call.method,
            url: call.url,
            status,
            requestId,
            durationMs: now - started
          })
        )
      )
    const outcome = yield* boundedBy(
      transport.send({ ...call, headers }),
      settings.requestTimeout,
      () =>
        new OpenStackTimeout({
          service,
          message: `${service} did not answer ${call.method} ${call.url} in time`
        }),
      gate.closed
    ).pipe(
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
    const requestId = requestIdOf(outcome.headers)
    yield* record(outcome.status, requestId)
    yield* Effect.annotateCurrentSpan({
      "http.response.status_code": outcome.status,
      ...(requestId === undefined ? {} : { "openstack.request_id": requestId })
    })
    if (outcome.status >= 400) return yield* Effect.fail(errorFromReply(service, outcome))
    return outcome
  }).pipe(withCallSpan(service, call))

/**
 * The call's span: `OpenStack <service> <METHOD>` (bounded: no path, no ids), with the service, the
 * method, the status and OpenStack's request id, and the task id when the call runs for a task (the
 * worker annotates a task's run with it, as `task_id`). The URL stays on the HTTP client's child span.
 */
const withCallSpan =
  (service: string, call: HttpCall) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(Effect.logAnnotations, (annotations) => {
      // The worker's log annotation for a task's run (@enamel/domain's Logging.Keys.taskId).
      const taskId = HashMap.get(annotations, "task_id").pipe(Option.filter(Predicate.isString))
      return Effect.withSpan(effect, `OpenStack ${service} ${call.method}`, {
        kind: "client",
        attributes: {
          "openstack.service": service,
          "http.request.method": call.method,
          ...Option.match(taskId, { onNone: () => ({}), onSome: (id) => ({ "enamel.task_id": id }) })
        }
      })
    })
