import { Checkpoints, type TimelineEntry } from "@enamel/domain"
import {
  CallbackStore,
  type ClaimedDelivery,
  type NewDelivery,
  TaskProgress,
  TaskStore
} from "@enamel/persistence"
import { Chunk, Config, DateTime, Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import { taskView, timelineView } from "../handlers/views.js"
import * as Addresses from "./addresses.js"
import { CallbackSecrets } from "./CallbackSecrets.js"
import { Attempt, post } from "./post.js"
import { sign } from "./signature.js"

/** ENAMEL_CALLBACK_SWEEP (2 s): how often the dispatcher looks for ended tasks and stages, and due deliveries. */
const Sweep = Config.duration("ENAMEL_CALLBACK_SWEEP").pipe(Config.withDefault(Duration.seconds(2)))
/** ENAMEL_CALLBACK_TIMEOUT (10 s): how long one POST may take before it counts as failed. */
const Timeout = Config.duration("ENAMEL_CALLBACK_TIMEOUT").pipe(Config.withDefault(Duration.seconds(10)))
/** ENAMEL_CALLBACK_RETRY_BASE (5 s): the first pause after a failed delivery; it doubles, up to an hour. */
const RetryBase = Config.duration("ENAMEL_CALLBACK_RETRY_BASE").pipe(Config.withDefault(Duration.seconds(5)))
/** ENAMEL_CALLBACK_GIVE_UP (24 h): how long after its event a delivery is retried before it is given up. */
const GiveUp = Config.duration("ENAMEL_CALLBACK_GIVE_UP").pipe(Config.withDefault(Duration.hours(24)))

/** A claimed delivery is this process's for this long: longer than a POST may take. */
const leaseFor = (timeout: Duration.Duration) => Duration.sum(timeout, Duration.seconds(30))

/** The pauses between attempts: doubling from `base`, at most an hour, jittered. */
export const retrySchedule = (base: Duration.DurationInput) =>
  Schedule.exponential(base, 2).pipe(Schedule.union(Schedule.spaced("1 hour")), Schedule.jittered)

/** The pause after the `attempts`-th failed attempt, by `retrySchedule`. */
export const pauseAfter = (base: Duration.DurationInput, attempts: number) =>
  Effect.map(
    Schedule.run(
      Schedule.delays(retrySchedule(base)),
      Date.now(),
      Array.from({ length: Math.max(1, attempts) })
    ),
    (delays) => Option.getOrElse(Chunk.last(delays), () => Duration.decode(base))
  )

/** The key that makes an event's delivery once per task. */
const stageKey = (entry: TimelineEntry) => `stage:${entry.phase}:${entry.path}:${entry.attempt}`

/**
 * Sends callbacks (at least once). Every ENAMEL_CALLBACK_SWEEP it (1) turns what happened since its last
 * look — the end of a task with a callback, and with `stages` every stage entry that ended — into
 * delivery rows, with one query for all open subscriptions, and (2) sends the deliveries that are due,
 * each claimed with FOR UPDATE SKIP LOCKED and a lease, so several processes (every API process, the
 * embedded one) share the work without sending one delivery twice at once. A delivery that is not
 * answered 2xx is retried with growing pauses until ENAMEL_CALLBACK_GIVE_UP after its event; one to a
 * refused address is recorded as refused and not retried. The worker's path is untouched: the
 * dispatcher reads the tasks and timelines the worker writes anyway.
 */
export const layer = Layer.scopedDiscard(
  Effect.gen(function* () {
    const callbacks = yield* CallbackStore
    const tasks = yield* TaskStore
    const progress = yield* TaskProgress
    const checkpoints = yield* Checkpoints.Checkpoints
    const secrets = yield* CallbackSecrets
    const rules = yield* Addresses.Allowed
    const sweep = yield* Sweep
    const timeout = yield* Timeout
    const retryBase = yield* RetryBase
    const giveUp = yield* GiveUp
    const lease = leaseFor(timeout)

    /** Turns one subscription's news into deliveries. */
    const scanOne = Effect.fn("CallbackDispatcher.scan")(function* (pending: {
      readonly taskId: string
      readonly stages: boolean
      readonly cursor: number
      readonly endedAt: DateTime.Utc | null
    }) {
      const found = yield* tasks.get(pending.taskId)
      if (Option.isNone(found)) return
      // The task as GET /tasks/{id} shows it, progress included.
      const done = yield* progress.stagesDone([pending.taskId])
      const task = taskView(found.value, done.get(pending.taskId) ?? 0)
      const entries = pending.stages
        ? yield* checkpoints.timeline(pending.taskId, { afterSeq: pending.cursor })
        : []
      const deliveries: Array<NewDelivery> = entries
        .filter((entry) => entry.endedAt !== null && entry.phase !== "flow")
        .map((entry) => ({
          id: crypto.randomUUID(),
          eventKey: stageKey(entry),
          event: "stage.ended",
          body: JSON.stringify({ event: "stage.ended", task, stage: timelineView(entry) })
        }))
      if (pending.endedAt !== null) {
        deliveries.push({
          id: crypto.randomUUID(),
          eventKey: `task.ended:${DateTime.formatIso(pending.endedAt)}`,
          event: "task.ended",
          body: JSON.stringify({ event: "task.ended", task })
        })
      }
      const cursor = entries.reduce((max, entry) => Math.max(max, entry.seq), pending.cursor)
      yield* callbacks.record(
        pending.taskId,
        deliveries,
        { cursor, endedAt: pending.endedAt === null ? null : DateTime.toDateUtc(pending.endedAt) },
        giveUp
      )
    })

    /**
     * A delivery this process claimed but could not finish, because it is stopping: due again at once, for
     * the next process (or this one started again), instead of when its lease ends.
     */
    const handBack = (delivery: ClaimedDelivery) =>
      Effect.ignore(
        callbacks.settle(delivery.id, {
          _tag: "Failed",
          status: null,
          error: "not finished: Enamel was stopping",
          retryIn: Duration.zero
        })
      )

    /** One attempt of one claimed delivery, and its outcome recorded. */
    const tryOnce = Effect.fn("CallbackDispatcher.deliver")(function* (delivery: ClaimedDelivery) {
      const secret = yield* Effect.either(secrets.open(delivery.taskId, delivery.sealedSecret))
      const attempt =
        secret._tag === "Left"
          ? Attempt.NotDelivered({ status: null, error: "the callback secret cannot be opened here" })
          : yield* post(
              rules,
              delivery.url,
              {
                "content-type": "application/json",
                "user-agent": "Enamel-Callback/1",
                "enamel-delivery-id": delivery.id,
                "enamel-signature": sign(Redacted.value(secret.right), delivery.body)
              },
              delivery.body,
              timeout
            )
      const outcome = yield* Attempt.$match(attempt, {
        Answered: ({ status }) => Effect.succeed({ _tag: "Delivered" as const, status }),
        Refused: ({ error }) => Effect.succeed({ _tag: "Refused" as const, error }),
        NotDelivered: ({ status, error }) =>
          Effect.map(pauseAfter(retryBase, delivery.attempts), (retryIn) => ({
            _tag: "Failed" as const,
            status,
            error,
            retryIn
          }))
      })
      if (outcome._tag !== "Delivered") {
        yield* Effect.logInfo("callback not delivered").pipe(
          Effect.annotateLogs({ task_id: delivery.taskId, delivery_id: delivery.id, reason: outcome.error })
        )
      }
      yield* callbacks.settle(delivery.id, outcome)
    })
    const deliver = (delivery: ClaimedDelivery) =>
      Effect.onInterrupt(tryOnce(delivery), () => handBack(delivery))

    const iteration = Effect.gen(function* () {
      const pending = yield* callbacks.pending(100)
      yield* Effect.forEach(pending, scanOne, { discard: true })
      // Until none is due: a backlog drains at once, not 32 per sweep.
      let claimed = yield* callbacks.claimDue(32, lease)
      while (claimed.length > 0) {
        yield* Effect.forEach(claimed, deliver, { concurrency: 8, discard: true })
        claimed = yield* callbacks.claimDue(32, lease)
      }
    }).pipe(Effect.catchAllCause((cause) => Effect.logWarning("callback dispatcher iteration failed", cause)))

    // A background loop: no trace of its own every sweep (a delivery is not part of a request's trace).
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(iteration, Effect.sleep(sweep))).pipe(Effect.withTracerEnabled(false))
    )
  })
)
