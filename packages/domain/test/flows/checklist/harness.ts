/**
 * Runs the real flows against the cloud double as alice, the way a worker runs them, and kills the
 * process at a chosen point: a "world" (the cloud, the checkpoint store and the clock, which outlive any
 * process) and processes that run or resume one task in it. A process that dies stores nothing more and
 * sends nothing more, as with SIGKILL; the next one resumes from what was stored.
 */
import {
  Checkpoints,
  CheckpointsMemory,
  type Flow,
  type FlowOutcome,
  type FlowRun,
  type RunOptions,
  runFlow,
  type TimelineWrite
} from "@enamel/domain"
import { NameCache } from "@enamel/domain/flows"
import {
  type OpenStackClients as Clients,
  HttpTransport,
  OpenStackClients,
  type Session
} from "@enamel/openstack-clients"
import { CloudDouble, Fault } from "@enamel/openstack-clients/testing"
import { Clock, Deferred, Duration, Effect, Exit, Fiber, Layer, Ref } from "effect"

/** Time that passes in the world while no process runs (a restart): longer than a request may take. */
export const restartDelay = Duration.minutes(1)

/** A clock that runs as the real one, plus the time the world was told has passed. */
const makeWorldClock = () => {
  const live = Clock.make()
  let offset = 0
  const now = () => live.unsafeCurrentTimeMillis() + offset
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: now,
    currentTimeMillis: Effect.sync(now),
    unsafeCurrentTimeNanos: () => BigInt(now()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n),
    sleep: (duration) => live.sleep(duration)
  }
  const pass = (duration: Duration.DurationInput) =>
    Effect.sync(() => {
      offset += Duration.toMillis(duration)
    })
  return { clock, pass }
}

/** What outlives a process: the cloud, the stored checkpoints, and the time. */
export interface World {
  readonly cloud: CloudDouble.CloudDoubleShape
  readonly store: Checkpoints.Checkpoints["Type"]
  readonly clock: Clock.Clock
  /** Every checkpoint write that was stored, in order (the store keeps only each attempt's latest). */
  readonly writes: Effect.Effect<ReadonlyArray<TimelineWrite>>
  /** Lets time pass in the world (the double's and the runner's clocks both read it). */
  readonly pass: (duration: Duration.DurationInput) => Effect.Effect<void>
}

/** A fresh world: the double seeded like the dev cloud (plus alice's second network, `backend`). */
export const makeWorld = (options: CloudDouble.Options = {}) =>
  Effect.gen(function* () {
    const { clock, pass } = makeWorldClock()
    const cloud = yield* Effect.withClock(CloudDouble.make(options), clock)
    yield* cloud.addNetwork({ project: "alpha", name: "backend", cidr: "10.0.3.0/24" })
    const memory = yield* CheckpointsMemory.make
    const log = yield* Ref.make<ReadonlyArray<TimelineWrite>>([])
    const store = Checkpoints.Checkpoints.of({
      timeline: memory.timeline,
      record: (entry) =>
        Effect.zipLeft(
          memory.record(entry),
          Ref.update(log, (all) => [...all, entry])
        ),
      recordAll: (entries) =>
        Effect.zipLeft(
          memory.recordAll(entries),
          Ref.update(log, (all) => [...all, ...entries])
        )
    })
    const world: World = { cloud, store, clock, pass, writes: Ref.get(log) }
    return world
  })

/** A crash point of a test matrix, named before the task (whose id the calls carry) exists. */
export interface CrashCase {
  readonly name: string
  readonly at: (taskId: string) => CrashPoint
}

export const crashCase = (at: (taskId: string) => CrashPoint): CrashCase => ({
  name: describeCrash(at("<task>")),
  at
})

/** Where a process dies. */
export type CrashPoint =
  /** Right after the stage's first start is stored: nothing of it reached the cloud. */
  | { readonly _tag: "StageStarted"; readonly path: string }
  /** The stage finished; its outcome is not stored yet (it is in doubt). */
  | { readonly _tag: "OutcomeUnrecorded"; readonly path: string }
  /** A call (of the stage `path`) reached the cloud and did its work; the answer never came back. */
  | {
      readonly _tag: "CallLanded"
      readonly path: string
      readonly call: Fault.CallPattern & { readonly nth?: number }
    }

export const describeCrash = (crash: CrashPoint): string => {
  switch (crash._tag) {
    case "StageStarted":
      return `right after ${crash.path} started`
    case "OutcomeUnrecorded":
      return `after ${crash.path} finished, before its outcome was stored`
    case "CallLanded":
      return `after ${crash.call.method ?? ""} ${crash.call.service ?? ""} ${String(crash.call.path ?? "")} of ${crash.path} reached the cloud`
  }
}

/** A fault rule that is injected once the stage `onStart` has started (e.g. to break a wait's polls). */
export interface ArmedFault {
  readonly onStart: string
  readonly rule: Fault.FaultRule
}

export interface ProcessOptions {
  readonly crash?: CrashPoint
  readonly armed?: ReadonlyArray<ArmedFault>
  /** Names (kind, name, id) the process's NameCache holds when it starts (as a worker's, it has one). */
  readonly cachedNames?: ReadonlyArray<{ readonly kind: string; readonly name: string; readonly id: string }>
}

export type ProcessEnd<O> =
  | { readonly _tag: "Ended"; readonly outcome: FlowOutcome<O> }
  | { readonly _tag: "Crashed" }

/** What a flow run by the harness may need: the clients, alice's session, and a NameCache. */
type Provided = Clients.OpenStackClients | Session | NameCache.NameCache

const startOf = (entry: TimelineWrite, path: string) =>
  entry.phase === "run" && entry.path === path && entry.state === "RUNNING"

/**
 * Runs (or resumes) the task in a new process of the world, until its flow ends or the process dies at
 * `options.crash`.
 */
export const runProcess = <I, O, E, R extends Provided | FlowRun, II, OI>(
  world: World,
  flow: Flow.Flow<I, O, E, R, II, OI>,
  task: RunOptions<I, never>,
  options: ProcessOptions = {}
) =>
  Effect.gen(function* () {
    const { crash } = options
    let dead = false
    const died = yield* Deferred.make<void>()
    // The process dies: this and every later write or call of it goes nowhere.
    const die = Effect.sync(() => {
      dead = true
    }).pipe(Effect.zipRight(Deferred.succeed(died, undefined)), Effect.zipRight(Effect.interrupt))
    const landed = crash?._tag === "CallLanded" ? yield* Fault.makeMatcher(crash.call) : undefined

    const recordAll = (entries: ReadonlyArray<TimelineWrite>): Effect.Effect<void, never> =>
      Effect.gen(function* () {
        if (dead) return yield* Effect.interrupt
        for (const armed of options.armed ?? []) {
          if (entries.some((e) => startOf(e, armed.onStart))) yield* world.cloud.inject(armed.rule)
        }
        if (crash?._tag === "OutcomeUnrecorded") {
          if (entries.some((e) => e.phase === "run" && e.path === crash.path && e.state === "SUCCEEDED")) {
            return yield* die
          }
        }
        yield* Effect.orDie(world.store.recordAll(entries))
        if (
          crash?._tag === "StageStarted" &&
          entries.some((e) => startOf(e, crash.path) && e.attempt === 1)
        ) {
          return yield* die
        }
      })
    const store = Checkpoints.Checkpoints.of({
      timeline: world.store.timeline,
      recordAll,
      record: (entry) =>
        Effect.zipRight(
          recordAll([entry]),
          Effect.map(world.store.timeline(entry.taskId), (all) => all.at(-1)?.seq ?? 0)
        )
    })
    const transport = HttpTransport.HttpTransport.make({
      send: (call) =>
        Effect.gen(function* () {
          if (dead) return yield* Effect.interrupt
          const reply = yield* world.cloud.transport.send(call)
          if (landed !== undefined && (yield* landed(call))) return yield* die
          return reply
        })
    })

    const cache = Layer.effect(
      NameCache.NameCache,
      Effect.gen(function* () {
        const names = yield* NameCache.make(Duration.hours(1))
        for (const { kind, name, id } of options.cachedNames ?? []) {
          yield* names.set(yield* NameCache.keyOf(kind, name), id)
        }
        return names
      })
    )
    const clients = Layer.merge(OpenStackClients.layerWithoutTransport, CloudDouble.sessionLayer("alice"))
    const process = Layer.provideMerge(
      cache,
      Layer.provideMerge(clients, Layer.succeed(HttpTransport.HttpTransport, transport))
    ).pipe(
      Layer.provideMerge(CloudDouble.layerFastSettings),
      Layer.merge(Layer.succeed(Checkpoints.Checkpoints, store))
    )

    const run = runFlow(flow, task).pipe(Effect.provide(process))
    const fiber = yield* Effect.fork(run)
    const exit = yield* Effect.raceFirst(
      Fiber.await(fiber),
      Effect.zipRight(Deferred.await(died), Fiber.interrupt(fiber))
    )
    if (!dead && Exit.isFailure(exit)) {
      return yield* Effect.dieMessage(
        `the run ended neither with an outcome nor by its crash: ${String(exit.cause)}`
      )
    }
    const end: ProcessEnd<O> =
      Exit.isSuccess(exit) && !dead ? { _tag: "Ended", outcome: exit.value } : { _tag: "Crashed" }
    return end
  }).pipe(Effect.withClock(world.clock))

/** Runs the task to its end; a process that dies here fails the test. */
export const runToEnd = <I, O, E, R extends Provided | FlowRun, II, OI>(
  world: World,
  flow: Flow.Flow<I, O, E, R, II, OI>,
  task: RunOptions<I, never>,
  options: Omit<ProcessOptions, "crash"> = {}
) =>
  Effect.flatMap(runProcess(world, flow, task, options), (end) =>
    end._tag === "Ended"
      ? Effect.succeed(end.outcome)
      : Effect.dieMessage("the process died without a crash point")
  )

/** The result of a run that must have succeeded; otherwise the test fails with how it ended. */
export const succeeded = <O>(outcome: FlowOutcome<O>) =>
  outcome._tag === "Succeeded"
    ? Effect.succeed(outcome.result)
    : Effect.dieMessage(`expected the flow to succeed, it ended ${outcome._tag}: ${JSON.stringify(outcome)}`)

/** The error and undo report of a run that must have failed. */
export const failed = <O>(outcome: FlowOutcome<O>) =>
  outcome._tag === "Failed"
    ? Effect.succeed(outcome)
    : Effect.dieMessage(`expected the flow to fail, it ended ${outcome._tag}: ${JSON.stringify(outcome)}`)

/** The checkpoint writes of one task, in the order they were stored. */
export const writesOf = (world: World, taskId: string) =>
  Effect.map(world.writes, (writes) => writes.filter((w) => w.taskId === taskId))

/** Whether a crash point was reached: a crash test whose process did not die tests nothing. */
export const crashed = <O>(end: ProcessEnd<O>) =>
  end._tag === "Crashed" ? Effect.void : Effect.dieMessage("the crash point was never reached")
