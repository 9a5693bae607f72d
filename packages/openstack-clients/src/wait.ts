import { type Duration, Effect, Option, Ref } from "effect"
import { ClientSettings } from "./ClientSettings.js"
import { type OpenStackError, OpenStackTimeout } from "./errors.js"

/** Per-call overrides of ClientSettings' pollInterval and waitTimeout. */
export interface WaitOptions {
  readonly interval?: Duration.DurationInput
  readonly timeout?: Duration.DurationInput
}

export interface WaitSpec<A, E, R> {
  readonly service: string
  /** `server`, `volume`, ... */
  readonly resource: string
  readonly id: string
  /** What we wait for, in words: `ACTIVE`, `available`, `deleted`. */
  readonly target: string
  /** One look at the resource; none when it is gone. */
  readonly poll: Effect.Effect<Option.Option<A>, E, R>
  readonly status: (resource: A) => string
  readonly isDone: (seen: Option.Option<A>) => boolean
  /** When the resource is in an error state: the error to fail with, in the cloud's words. */
  readonly failure: (resource: A) => Option.Option<Effect.Effect<never, E, R>>
}

/**
 * Polls a resource until it reaches the target, fails when it goes into an error state, and fails with
 * OpenStackTimeout (naming the last status seen) when the wait is too long. Returns the last look.
 */
export const waitFor = <A, E, R>(
  spec: WaitSpec<A, E, R>,
  options: WaitOptions = {}
): Effect.Effect<Option.Option<A>, E | OpenStackTimeout, R> =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings
    const interval = options.interval ?? settings.pollInterval
    const timeout = options.timeout ?? settings.waitTimeout
    const lastStatus = yield* Ref.make("not seen yet")
    const watch = Effect.gen(function* () {
      while (true) {
        const seen = yield* spec.poll
        yield* Ref.set(lastStatus, Option.match(seen, { onNone: () => "gone", onSome: spec.status }))
        if (spec.isDone(seen)) return seen
        if (Option.isSome(seen)) {
          const failure = spec.failure(seen.value)
          if (Option.isSome(failure)) return yield* failure.value
        }
        yield* Effect.sleep(interval)
      }
    })
    return yield* watch.pipe(
      Effect.timeout(timeout),
      Effect.catchTag("TimeoutException", () =>
        Effect.flatMap(Ref.get(lastStatus), (status) =>
          Effect.fail(
            new OpenStackTimeout({
              service: spec.service,
              message: `${spec.resource} ${spec.id} did not become ${spec.target} in time (last status: ${status})`
            })
          )
        )
      )
    )
  }).pipe(
    Effect.withSpan("OpenStack.waitFor", {
      attributes: { resource: spec.resource, id: spec.id, target: spec.target }
    })
  )

/** Turns NotFound into none: for polls that also watch for a resource to disappear. */
export const optionalIfNotFound = <A, R>(
  get: Effect.Effect<A, OpenStackError, R>
): Effect.Effect<Option.Option<A>, OpenStackError, R> =>
  get.pipe(
    Effect.map(Option.some),
    Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
  )
