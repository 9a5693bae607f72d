import type { Delivery } from "@enamel/broker"
import { Checkpoints, ErrorCode, Logging, TaskId, TaskMessageJson, TaskType } from "@enamel/domain"
import { CallGate } from "@enamel/openstack-clients"
import {
  CheckpointsPg,
  type Lease,
  OutboxRelay,
  TaskLeases,
  type TaskRecord,
  TaskStore,
  TaskStoreError
} from "@enamel/persistence"
import { TraceContext } from "@enamel/telemetry"
import {
  Cause,
  Clock,
  type DateTime,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  Metric,
  Option,
  Ref,
  Schema
} from "effect"
import { Cancellations } from "./Cancellations.js"
import * as Deadlines from "./Deadlines.js"
import { LeaseKeeper } from "./LeaseKeeper.js"
import { handedOn, recordFinished } from "./metrics.js"
import { type Ending, TaskFlows } from "./TaskFlows.js"
import { WorkerSettings } from "./WorkerSettings.js"

export { handedOn } from "./metrics.js"

const decodeMessage = Schema.decodeUnknown(TaskMessageJson)
const encodeMessage = Schema.encodeSync(TaskMessageJson)

/** A delivery whose settlements after the first do nothing (the hand-on may have acked it already). */
const settlingOnce = (delivery: Delivery) =>
  Effect.map(Ref.make(false), (settled) => {
    const once = (action: Effect.Effect<void>) =>
      Effect.flatMap(Ref.getAndSet(settled, true), (done) => (done ? Effect.void : action))
    return {
      ...delivery,
      ack: once(delivery.ack),
      requeue: once(delivery.requeue),
      deadLetter: once(delivery.deadLetter)
    } satisfies Delivery
  })

/**
 * Runs the task one delivery names, and settles the delivery exactly once: acked when the task has ended
 * (or was handed on, or is another worker's), requeued when it must run later, dead-lettered when it
 * cannot be read. Never acked while the task is unfinished and nobody else holds it: that message is
 * the only thing that brings a worker to the task. Never left unsettled either: a live worker holding a
 * delivery it no longer works on would keep the task from everyone.
 */
export class TaskExecutor extends Effect.Service<TaskExecutor>()("@enamel/worker/TaskExecutor", {
  scoped: Effect.gen(function* () {
    const settings = yield* WorkerSettings
    const leases = yield* TaskLeases
    const store = yield* TaskStore
    const flows = yield* TaskFlows
    const cancellations = yield* Cancellations
    const relay = yield* OutboxRelay
    const keeper = yield* LeaseKeeper
    // Every task's hand-on timer, in one fiber.
    const handOns = yield* Deadlines.make(settings.handOnAfter)
    // The series exists at 0 from the start, so that `increase()` sees the first hand-on too.
    yield* Metric.incrementBy(handedOn, 0)

    /** Tasks this process is running: a second delivery of one of them must not start a second run. */
    const running = new Set<string>()

    /**
     * How long a statement on a delivery's path may take before the delivery goes back to the queue: a
     * worker cut off from PostgreSQL must not sit on deliveries (another worker may reach the store). As
     * long as a statement may wait for a connection of the pool (see Database.layerWaiting).
     */
    const storeWait = settings.leaseTtl

    const later = (delivery: Delivery) => Effect.zipRight(Effect.sleep(settings.retryDelay), delivery.requeue)

    /** The store failed under a claimed task: hand it back, and bring the delivery back later. */
    const runLater = (lease: Lease, delivery: Delivery) =>
      Effect.zipRight(Effect.ignore(Effect.timeout(leases.handBack(lease), storeWait)), later(delivery))

    /**
     * Ends a task (after its run, or without running it); the delivery is settled whether or not the
     * write lands. Counted once the end is written.
     */
    const endTask = (
      lease: Lease,
      delivery: Delivery,
      ending: Ending,
      settle: Effect.Effect<void>,
      task: { readonly type: string; readonly createdAt?: DateTime.Utc }
    ) =>
      leases.finish(lease, ending).pipe(
        Effect.timeoutFail({
          duration: storeWait,
          onTimeout: () => new TaskStoreError({ cause: "PostgreSQL did not answer in time" })
        }),
        Effect.zipRight(recordFinished(task.type, ending.state, task.createdAt)),
        Effect.zipRight(settle),
        // Another worker took the task meanwhile: it is theirs now.
        Effect.catchTag("LeaseLost", () => delivery.ack),
        Effect.catchTag("TaskStoreError", () => runLater(lease, delivery))
      )

    const runClaimed = (
      lease: Lease,
      claimSentAt: number,
      task: TaskRecord,
      delivery: Delivery,
      restarts: number
    ) =>
      Effect.gen(function* () {
        const flow = flows.get(task.type, task.flowVersion)
        if (flow === undefined) {
          const known = flows.versions(task.type)
          // A newer Enamel accepted it: a worker of that version runs it (see `execute`).
          if (known.length > 0 && task.flowVersion > Math.max(...known))
            return yield* runLater(lease, delivery)
          const error =
            known.length === 0
              ? { code: ErrorCode.taskUnknownType, message: `no flow for task type ${task.type}` }
              : {
                  code: ErrorCode.taskUnknownFlowVersion,
                  message: `${task.type} version ${task.flowVersion} is not among this deployment's (${known.join(", ")})`
                }
          return yield* endTask(lease, delivery, { state: "FAILED", result: null, error }, delivery.ack, task)
        }
        // Completes with the run's exit, or with nothing when the lease ended first: one Deferred both
        // complete, where racing the two took two fibers more per task.
        const decided = yield* Deferred.make<Exit.Exit<Ending, unknown> | undefined>()
        // Renewed while the task runs; ends when another worker took the task, or when this worker
        // could not renew it and must stop before another can take it over.
        const held = yield* keeper.hold(lease, claimSentAt, Deferred.succeed(decided, undefined))
        const checkpoints = yield* CheckpointsPg.make({ taskId: lease.taskId, fence: lease.fence })
        // RabbitMQ takes back a delivery unacknowledged for 30 minutes: a long task announces itself
        // again through the outbox and acknowledges this delivery. Whoever gets the new message waits for
        // this lease; should this worker die, the lease expires and that worker resumes the task.
        yield* handOns.after(
          Effect.gen(function* () {
            // A hint for operators and the next worker; the checkpoints stay the source of truth.
            const done = (yield* checkpoints.timeline(task.id)).filter(
              (e) => e.phase === "run" && e.state === "SUCCEEDED"
            )
            const message = encodeMessage({
              taskId: TaskId.make(task.id),
              type: TaskType.make(task.type),
              flowVersion: task.flowVersion,
              resumeFrom: done[done.length - 1]?.path ?? null,
              restarts: restarts + 1
            })
            yield* leases.handOn(lease, message)
            yield* relay.nudge
            yield* delivery.ack
            yield* Metric.increment(handedOn)
          }).pipe(Effect.ignore)
        )
        const cancellation =
          lease.state === "CANCELLING" ? Effect.void : cancellations.requested(lease.taskId)
        // A fiber of its own, so that a lease that ends does not wait for the run to stop: a run cut off
        // from PostgreSQL may hang on a checkpoint write, and the delivery must go back meanwhile. Its cloud
        // calls stop with the gate; its writes carry a fence that the next holder's claim makes stale.
        const running = yield* Effect.forkDaemon(
          flow.run(task, cancellation).pipe(
            Effect.provideService(Checkpoints.Checkpoints, checkpoints),
            Effect.provideService(CallGate.CallGate, held.gate),
            Effect.onExit((exit) => Deferred.succeed(decided, exit))
          )
        )
        const ran = yield* Deferred.await(decided).pipe(
          // Shutdown: the run stops at its stage's end, as it would have without a fiber of its own.
          Effect.onInterrupt(() => Fiber.interrupt(running))
        )
        if (ran !== undefined && Exit.isSuccess(ran)) {
          // Its outcome is in the checkpoints: should the store fail now, the next run only writes it.
          return yield* endTask(lease, delivery, ran.value, delivery.ack, task)
        }
        if (ran === undefined || (yield* Deferred.isDone(held.ended))) {
          yield* Fiber.interruptFork(running)
          const why = yield* Deferred.await(held.ended)
          // The lease went to another worker: that worker runs the task from its checkpoints.
          if (why === "taken") return yield* delivery.ack
          // Given up before it could be taken over: back to the queue for whoever can reach the store.
          // The hand-back releases the lease at once when the store answers; otherwise the lease expires
          // within the sixth of the TTL left, so waiting longer for it would only keep the delivery here.
          return yield* Effect.zipRight(
            Effect.ignore(Effect.timeout(leases.handBack(lease), Duration.times(settings.leaseTtl, 1 / 6))),
            later(delivery)
          )
        }
        if (Cause.isInterruptedOnly(ran.cause)) return yield* Effect.interrupt
        // The store, or what the flow needs (Keystone, Barbican), is out for now: run it again later.
        yield* Effect.logWarning("task stopped; handing it back", ran.cause)
        return yield* runLater(lease, delivery)
      }).pipe(
        // Shutdown: the task waits, as PENDING with its checkpoints, for the next worker.
        Effect.onInterrupt(() =>
          Effect.zipRight(Effect.ignore(leases.handBack(lease)), delivery.requeue).pipe(
            Effect.zipLeft(Effect.logInfo(`handed task ${lease.taskId} back`))
          )
        ),
        Effect.scoped
      )

    const claimAndRun = (delivery: Delivery, taskId: string, type: string, restarts: number) =>
      Effect.gen(function* () {
        const claimSentAt = yield* Clock.currentTimeMillis
        const claimed = yield* Effect.either(
          Effect.timeout(leases.claim(taskId, settings.workerId, settings.leaseTtl), storeWait)
        )
        if (claimed._tag === "Left") return yield* later(delivery)
        if (Option.isNone(claimed.right)) return yield* delivery.ack
        const lease = claimed.right.value
        if (lease.restarts > settings.maxRestarts) {
          yield* Effect.logWarning(`task ${taskId} was restarted ${lease.restarts} times; failing it`)
          const ending: Ending = {
            state: "FAILED",
            result: null,
            error: {
              code: ErrorCode.taskTooManyRestarts,
              message: `the task's worker stopped ${lease.restarts} times while running it; it was given up`
            }
          }
          return yield* endTask(lease, delivery, ending, delivery.deadLetter, { type })
        }
        const task = yield* Effect.either(Effect.timeout(store.get(taskId), storeWait))
        // Not readable now is not gone: acking here would leave the task claimed and announced nowhere.
        if (task._tag === "Left") return yield* runLater(lease, delivery)
        if (Option.isNone(task.right)) return yield* delivery.ack
        return yield* runClaimed(lease, claimSentAt, task.right.value, delivery, restarts)
      })

    const run = Effect.fn("TaskExecutor.execute", { kind: "consumer" })(function* (received: Delivery) {
      const delivery = yield* settlingOnce(received)
      const message = yield* Effect.either(decodeMessage(delivery.body))
      if (message._tag === "Left") {
        yield* Effect.logWarning("undecodable task message; dead-lettering it", message.left.message)
        return yield* delivery.deadLetter
      }
      const { taskId, restarts, type, flowVersion } = message.right
      yield* Effect.annotateCurrentSpan({
        "enamel.task_id": taskId,
        "enamel.task_type": type,
        "enamel.restarts": restarts
      })
      // Accepted by a newer Enamel, for a flow version this worker does not have yet (an upgrade under
      // way): left, untouched, for a worker that has it.
      const known = flows.versions(type)
      if (known.length > 0 && flowVersion > Math.max(...known)) {
        yield* Effect.logWarning(
          `task ${taskId} needs ${type} version ${flowVersion}; this worker has ${known.join(", ")}`
        )
        return yield* later(delivery)
      }
      // One run per task in this process. Marked before the claim: the claim lets a worker take its own
      // lease again, so two deliveries of one task arriving together (our own hand-on message, or one
      // published twice) would otherwise both claim it and start two runs.
      if (running.has(taskId)) return yield* later(delivery)
      running.add(taskId)
      return yield* claimAndRun(delivery, taskId, type, restarts).pipe(
        // A defect is a bug, but the delivery must not stay in hand: the task comes back later.
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.failCause(cause)
            : Effect.zipRight(
                Effect.logError(`task ${taskId} stopped unexpectedly; requeueing it`, cause),
                later(delivery)
              )
        ),
        Effect.ensuring(Effect.sync(() => running.delete(taskId))),
        Effect.annotateLogs(Logging.Keys.taskId, taskId)
      )
    })

    /** The task's span continues the trace the message carries (the request's, through the relay). */
    const execute = (received: Delivery) => TraceContext.continuing(received.traceparent)(run(received))

    return { execute } as const
  })
}) {}
