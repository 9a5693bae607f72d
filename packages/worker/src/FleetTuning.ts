import {
  type TopicDefault,
  type TopicLoad,
  type TopicSetting,
  TopicSettings,
  type TopicSettingsError
} from "@enamel/persistence"
import { Deferred, Duration, Effect, Queue, Schedule, Stream } from "effect"
import type * as TopicPool from "./TopicPool.js"

/** Listening again after the LISTEN stream failed: soon, then every few seconds while the server is away. */
const listenAgain = Schedule.exponential("200 millis").pipe(
  Schedule.either(Schedule.spaced("5 seconds")),
  Schedule.jittered
)

/** Pinging itself until the worker hears its own NOTIFY (the LISTEN is in place): often, then rarely. */
const pingAgain = Schedule.exponential("50 millis").pipe(Schedule.either(Schedule.spaced("5 seconds")))

/**
 * A worker whose LISTEN is not confirmed within this starts reporting anyway: it follows the stored
 * settings by polling alone until it hears itself.
 */
export const listenWait = Duration.seconds(5)

/** A heartbeat is shown until this many beats are missed. */
const beatsMissedBeforeGone = 3

/**
 * Reports what the worker runs per topic (`loads`) every `interval`, and at once when the returned effect
 * asks for it (after a change, so that `/admin/topics` shows it within the second). The first beat waits
 * for `start` (the worker follows the stored settings). The worker's rows go when the scope closes.
 */
export const heartbeat = (options: {
  readonly workerId: string
  readonly loads: Effect.Effect<ReadonlyArray<TopicLoad>>
  readonly interval: Duration.Duration
  readonly start: Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const store = yield* TopicSettings
    const wake = yield* Queue.sliding<void>(1)
    const staleAfter = Duration.times(options.interval, beatsMissedBeforeGone)
    const beat = Effect.flatMap(options.loads, (now) => store.beat(options.workerId, now, staleAfter)).pipe(
      Effect.catchAllCause((cause) =>
        Effect.logWarning("cannot write this worker's heartbeat; trying again at the next beat", cause)
      )
    )
    // Added before the loop's own finalizer, so it runs after the loop has stopped.
    yield* Effect.addFinalizer(() => Effect.ignore(store.forget(options.workerId)))
    yield* Effect.forkScoped(
      Effect.zipRight(
        options.start,
        Effect.forever(Effect.zipRight(beat, Effect.race(wake.take, Effect.sleep(options.interval))))
      ).pipe(Effect.withTracerEnabled(false)) // a background loop: no trace of its own every beat
    )
    return Effect.asVoid(wake.offer(undefined))
  })

/**
 * Applies every new revision of the stored settings of the worker's topics, once each: woken by NOTIFY,
 * and every `poll` for a change the notification missed. `started` are the settings the pools started
 * with (already applied); `afterChange` runs when something was applied.
 *
 * Each time it (re)starts listening, the worker sends itself a NOTIFY until it hears it: from then on it
 * hears every change, and it reads the settings once more for those made before. `following` is
 * completed then (or after `listenWait` without: polling alone).
 */
export const follow = (options: {
  readonly topics: ReadonlyArray<TopicDefault>
  readonly started: ReadonlyArray<TopicSetting>
  /** Tunes the topic's pool; answers what it runs now (a drained worker stays paused). */
  readonly apply: (setting: TopicSetting) => Effect.Effect<TopicPool.Tuning>
  readonly afterChange: Effect.Effect<void>
  readonly poll: Duration.Duration
  readonly following: Deferred.Deferred<void>
}) =>
  Effect.gen(function* () {
    const store = yield* TopicSettings
    const served = new Set(options.topics.map((t) => t.topic))
    const applied = new Map(options.started.map((s) => [s.topic, s.revision]))
    const wake = yield* Queue.sliding<void>(1)

    const applyNew: Effect.Effect<void, TopicSettingsError> = Effect.gen(function* () {
      const stored = yield* store.of([...served])
      const fresh = stored.filter((s) => applied.get(s.topic) !== s.revision)
      for (const setting of fresh) {
        const now = yield* options.apply(setting)
        applied.set(setting.topic, setting.revision)
        yield* Effect.logInfo(
          `${setting.topic}: concurrency ${now.concurrency}, ${now.paused ? "paused" : "taking tasks"} ` +
            `(stored setting revision ${setting.revision}, by ${setting.updatedBy})`
        )
      }
      if (fresh.length > 0) yield* options.afterChange
    })

    const readAndApply = applyNew.pipe(
      Effect.catchAllCause((cause) =>
        Effect.logWarning("cannot read the stored topic settings; trying again", cause)
      )
    )

    /** One LISTEN: wakes the reader for each change of a served topic, and once it hears its own ping. */
    const listenOnce = Effect.gen(function* () {
      const ping = `listening ${crypto.randomUUID()}`
      const heard = yield* Deferred.make<void>()
      yield* Effect.forkScoped(
        store
          .ping(ping)
          .pipe(
            Effect.ignore,
            Effect.zipRight(Deferred.isDone(heard)),
            Effect.repeat({ schedule: pingAgain, until: (done) => done })
          )
      )
      yield* Stream.runForEach(store.changes, (payload) =>
        payload === ping
          ? Effect.all([
              Deferred.succeed(heard, undefined),
              Deferred.succeed(options.following, undefined),
              wake.offer(undefined)
            ])
          : served.has(payload)
            ? wake.offer(undefined)
            : Effect.void
      )
    }).pipe(Effect.scoped)

    const listen = listenOnce.pipe(
      // The stream ends or fails when its connection goes: listen again (its ping reads what was missed).
      Effect.zipRight(Effect.fail("the LISTEN stream ended")),
      Effect.retry(listenAgain),
      Effect.catchAllCause((cause) => Effect.logWarning("stopped listening for topic settings", cause))
    )
    // Listening starts after the first read, not together with the worker's other LISTENs (outbox,
    // cancels): sql-pg sends them all on one connection, and a third one queued there makes pg print a
    // deprecation warning (it still runs them in turn). A change between the read and the LISTEN is
    // read when the worker hears its own ping.
    yield* Effect.forkScoped(
      Effect.zipRight(
        readAndApply,
        Effect.zipRight(
          Effect.forkScoped(listen),
          Effect.forever(Effect.zipRight(Effect.race(wake.take, Effect.sleep(options.poll)), readAndApply))
        )
      ).pipe(Effect.withTracerEnabled(false)) // a background loop: no trace of its own every read
    )
    yield* Effect.forkScoped(Effect.delay(Deferred.succeed(options.following, undefined), listenWait))
  })
