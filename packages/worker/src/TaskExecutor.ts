import type { Delivery } from "@enamel/broker"
import { Checkpoints, TaskId, TaskMessageJson, TaskType } from "@enamel/domain"
import {
  CheckpointsPg,
  type Lease,
  OutboxRelay,
  TaskLeases,
  type TaskRecord,
  TaskStore
} from "@enamel/persistence"
import { Cause, Deferred, Duration, Effect, Exit, Metric, Option, Ref, Schedule, Schema } from "effect"
import { Cancellations } from "./Cancellations.js"
import { TaskFlows } from "./TaskFlows.js"
import { WorkerSettings } from "./WorkerSettings.js"

/** Tasks handed on because they ran longer than a delivery may stay unacknowledged. */
export const handedOn = Metric.counter("enamel_worker_tasks_handed_on")

const decodeMessage = Schema.decodeUnknown(TaskMessageJson)
const encodeMessage = Schema.encodeSync(TaskMessageJson)

/**
 * Runs the task one delivery names, and settles the delivery exactly once: acked when the task has ended
 * (or was handed on, or is another worker's), requeued when it must run later, dead-lettered when it
 * cannot be read.
 */
export class TaskExecutor extends Effect.Service<TaskExecutor>()("@enamel/worker/TaskExecutor", {
  effect: Effect.gen(function* () {
    const settings = yield* WorkerSettings
    const leases = yield* TaskLeases
    const store = yield* TaskStore
    const flows = yield* TaskFlows
    const cancellations = yield* Cancellations
    const relay = yield* OutboxRelay

    /** Tasks this process is running: a second delivery of one of them must not start a second run. */
    const running = new Set<string>()

    const later = (delivery: Delivery) => Effect.zipRight(Effect.sleep(settings.retryDelay), delivery.requeue)

    /** Renews the lease while the task runs; completes `lost` if another worker took the task. */
    const keepLease = (lease: Lease, lost: Deferred.Deferred<void>) =>
      leases.renew(lease, settings.leaseTtl).pipe(
        Effect.catchTag("TaskStoreError", () => Effect.void),
        Effect.repeat(Schedule.spaced(Duration.times(settings.leaseTtl, 1 / 3))),
        Effect.catchTag("LeaseLost", () => Deferred.succeed(lost, undefined))
      )

    const runClaimed = (lease: Lease, task: TaskRecord, delivery: Delivery, restarts: number) =>
      Effect.gen(function* () {
        const settled = yield* Ref.make(false)
        /** Settles the delivery unless the hand-on already acknowledged it. */
        const settle = (action: Effect.Effect<void>) =>
          Effect.flatMap(Ref.getAndSet(settled, true), (done) => (done ? Effect.void : action))

        const flow = flows.get(task.type)
        if (flow === undefined) {
          yield* leases.finish(lease, {
            state: "FAILED",
            result: null,
            error: { code: "task.unknown_type", message: `no flow for task type ${task.type}` }
          })
          return yield* settle(delivery.ack)
        }
        const lost = yield* Deferred.make<void>()
        const checkpoints = yield* CheckpointsPg.make({ taskId: lease.taskId, fence: lease.fence })
        yield* Effect.forkScoped(keepLease(lease, lost))
        // RabbitMQ takes back a delivery unacknowledged for 30 minutes: a long task announces itself
        // again through the outbox and acknowledges this delivery. Whoever gets the new message waits for
        // this lease; should this worker die, the lease expires and that worker resumes the task.
        yield* Effect.forkScoped(
          Effect.gen(function* () {
            yield* Effect.sleep(settings.handOnAfter)
            // A hint for operators and the next worker; the checkpoints stay the source of truth.
            const done = (yield* checkpoints.timeline(task.id)).filter(
              (e) => e.phase === "run" && e.state === "SUCCEEDED"
            )
            const message = encodeMessage({
              taskId: TaskId.make(task.id),
              type: TaskType.make(task.type),
              resumeFrom: done[done.length - 1]?.path ?? null,
              restarts: restarts + 1
            })
            yield* leases.handOn(lease, message)
            yield* relay.nudge
            yield* settle(delivery.ack)
            yield* Metric.increment(handedOn)
          }).pipe(Effect.ignore)
        )
        const cancellation =
          lease.state === "CANCELLING" ? Effect.void : cancellations.requested(lease.taskId)
        const exit = yield* flow
          .run(task, cancellation)
          .pipe(
            Effect.provideService(Checkpoints.Checkpoints, checkpoints),
            (run) =>
              Effect.raceFirst(Effect.map(run, Option.some), Effect.as(Deferred.await(lost), Option.none())),
            Effect.exit
          )
        if (Exit.isSuccess(exit) && Option.isSome(exit.value)) {
          yield* leases.finish(lease, exit.value.value).pipe(Effect.catchTag("LeaseLost", () => Effect.void))
          return yield* settle(delivery.ack)
        }
        // The lease went to another worker: that worker runs the task from its checkpoints.
        if (yield* Deferred.isDone(lost)) return yield* settle(delivery.ack)
        if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
        // The store, or what the flow needs (Keystone, Barbican), is out for now: run it again later.
        yield* Effect.logWarning("task stopped; handing it back", Exit.isFailure(exit) ? exit.cause : "")
        yield* Effect.ignore(leases.handBack(lease))
        return yield* settle(later(delivery))
      }).pipe(
        // Shutdown: the task waits, as PENDING with its checkpoints, for the next worker.
        Effect.onInterrupt(() =>
          Effect.zipRight(Effect.ignore(leases.handBack(lease)), delivery.requeue).pipe(
            Effect.zipLeft(Effect.logInfo(`handed task ${lease.taskId} back`))
          )
        ),
        Effect.scoped
      )

    const execute = Effect.fn("TaskExecutor.execute")(function* (delivery: Delivery) {
      const message = yield* Effect.either(decodeMessage(delivery.body))
      if (message._tag === "Left") {
        yield* Effect.logWarning("undecodable task message; dead-lettering it", message.left.message)
        return yield* delivery.deadLetter
      }
      const { taskId, restarts } = message.right
      // Our own hand-on message came back while we still run the task: someone else must wait for it.
      if (running.has(taskId)) return yield* later(delivery)
      const claimed = yield* Effect.either(leases.claim(taskId, settings.workerId, settings.leaseTtl))
      if (claimed._tag === "Left") return yield* later(delivery)
      if (Option.isNone(claimed.right)) return yield* delivery.ack
      const lease = claimed.right.value
      if (lease.restarts > settings.maxRestarts) {
        yield* Effect.logWarning(`task ${taskId} was restarted ${lease.restarts} times; failing it`)
        yield* leases.finish(lease, {
          state: "FAILED",
          result: null,
          error: {
            code: "task.too_many_restarts",
            message: `the task's worker stopped ${lease.restarts} times while running it; it was given up`
          }
        })
        return yield* delivery.deadLetter
      }
      const task = yield* store.get(taskId).pipe(Effect.orElseSucceed(() => Option.none<TaskRecord>()))
      if (Option.isNone(task)) return yield* delivery.ack
      running.add(taskId)
      return yield* runClaimed(lease, task.value, delivery, restarts).pipe(
        Effect.catchTag("TaskStoreError", () => later(delivery)),
        Effect.ensuring(Effect.sync(() => running.delete(taskId)))
      )
    })

    return { execute } as const
  })
}) {}
