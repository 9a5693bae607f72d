import type { Delivery } from "@enamel/broker"
import { Checkpoints, TaskMessageJson } from "@enamel/domain"
import { CheckpointsPg, type Lease, TaskLeases, TaskStore } from "@enamel/persistence"
import { Cause, Deferred, Duration, Effect, Exit, Option, Schedule, Schema } from "effect"
import { Cancellations } from "./Cancellations.js"
import { TaskFlows } from "./TaskFlows.js"
import { WorkerSettings } from "./WorkerSettings.js"

const decodeMessage = Schema.decodeUnknown(TaskMessageJson)

/**
 * Runs the task one delivery names, and settles the delivery: acked once the task has ended (or is
 * another worker's for good), requeued when it must run later, dead-lettered when it cannot be read.
 */
export class TaskExecutor extends Effect.Service<TaskExecutor>()("@enamel/worker/TaskExecutor", {
  effect: Effect.gen(function* () {
    const settings = yield* WorkerSettings
    const leases = yield* TaskLeases
    const store = yield* TaskStore
    const flows = yield* TaskFlows
    const cancellations = yield* Cancellations
    const checkpointsFor = (lease: Lease) => CheckpointsPg.make({ taskId: lease.taskId, fence: lease.fence })

    const later = (delivery: Delivery) => Effect.zipRight(Effect.sleep(settings.retryDelay), delivery.requeue)

    /** Renews the lease while the task runs; completes `lost` if another worker took the task. */
    const keepLease = (lease: Lease, lost: Deferred.Deferred<void>) =>
      leases.renew(lease, settings.leaseTtl).pipe(
        Effect.catchTag("TaskStoreError", () => Effect.void),
        Effect.repeat(Schedule.spaced(Duration.times(settings.leaseTtl, 1 / 3))),
        Effect.catchTag("LeaseLost", () => Deferred.succeed(lost, undefined))
      )

    const runClaimed = (lease: Lease, delivery: Delivery) =>
      Effect.gen(function* () {
        const task = yield* store.get(lease.taskId)
        if (Option.isNone(task)) return yield* delivery.ack
        const flow = flows.get(task.value.type)
        if (flow === undefined) {
          yield* leases.finish(lease, {
            state: "FAILED",
            result: null,
            error: { code: "task.unknown_type", message: `no flow for task type ${task.value.type}` }
          })
          return yield* delivery.ack
        }
        const lost = yield* Deferred.make<void>()
        yield* Effect.forkScoped(keepLease(lease, lost))
        const cancellation =
          lease.state === "CANCELLING" ? Effect.void : cancellations.requested(lease.taskId)
        const checkpoints = yield* checkpointsFor(lease)
        const exit = yield* flow
          .run(task.value, cancellation)
          .pipe(
            Effect.provideService(Checkpoints.Checkpoints, checkpoints),
            (run) =>
              Effect.raceFirst(Effect.map(run, Option.some), Effect.as(Deferred.await(lost), Option.none())),
            Effect.exit
          )
        if (Exit.isSuccess(exit) && Option.isSome(exit.value)) {
          yield* leases.finish(lease, exit.value.value).pipe(Effect.catchTag("LeaseLost", () => Effect.void))
          return yield* delivery.ack
        }
        // The lease went to another worker: that worker runs the task from its checkpoints.
        if (yield* Deferred.isDone(lost)) return yield* delivery.ack
        if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
        // The store, or what the flow needs (Keystone, Barbican), is out for now: run it again later.
        yield* Effect.logWarning("task stopped; handing it back", Exit.isFailure(exit) ? exit.cause : "")
        yield* Effect.ignore(leases.handBack(lease))
        return yield* later(delivery)
      }).pipe(
        // Shutdown (or a lost fight with time): the task waits, as PENDING with its checkpoints, for the next worker.
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
      const claimed = yield* Effect.either(
        leases.claim(message.right.taskId, settings.workerId, settings.leaseTtl)
      )
      if (claimed._tag === "Left") return yield* later(delivery)
      if (Option.isNone(claimed.right)) return yield* delivery.ack
      return yield* runClaimed(claimed.right.value, delivery).pipe(
        Effect.catchTag("TaskStoreError", () => later(delivery))
      )
    })

    return { execute } as const
  })
}) {}
