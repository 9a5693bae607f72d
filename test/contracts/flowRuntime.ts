import { describe, expect, it } from "@effect/vitest"
import {
  Checkpoints,
  EngineMetrics,
  Flow,
  FlowOutcome,
  runFlow,
  Stage,
  type TimelineEntry,
  type TimelineWrite
} from "@enamel/domain"
import {
  Chunk,
  Deferred,
  Duration,
  Effect,
  Fiber,
  type Layer,
  Metric,
  MetricLabel,
  Schedule,
  Schema,
  TestClock,
  TestServices
} from "effect"
import { dyingStore } from "../support/dyingStore.js"
import { eventually } from "../support/poll.js"
import { World } from "./world.js"

/** A fresh task id per test, so one store can serve a whole suite. */
const newTaskId = () => crypto.randomUUID()

/** A create-something stage that records its calls in `world`, and undoes by deleting. */
const creating = (world: World, name: string, fail?: () => boolean) =>
  Stage.make({
    name,
    result: Schema.String,
    run: (_input: unknown, ctx) =>
      Effect.gen(function* () {
        if (fail?.() === true) return yield* Effect.fail(new Boom({ where: name }))
        yield* ctx.annotate({ requestIds: [`req-${name}`] })
        return yield* world.create(name, ctx.idempotencyToken)
      }),
    compensate: (id) => world.remove(name, id)
  })

class Boom extends Schema.TaggedError<Boom>()("Boom", { where: Schema.String }) {
  readonly code = "test.boom"
  override get message() {
    return `boom in ${this.where}`
  }
}

/** volume → port (uses the volume) → server (uses both): typed data passes between stages. */
const threeStages = (world: World, failAt?: string) => {
  const fail = (name: string) => () => name === failAt
  const volume = creating(world, "volume", fail("volume"))
  const port = creating(world, "port", fail("port"))
  const server = creating(world, "server", fail("server"))
  return Flow.make({
    type: "test.three",
    params: Schema.Struct({ name: Schema.String }),
    result: Schema.Struct({ volume: Schema.String, port: Schema.String, server: Schema.String }),
    program: (params) =>
      Effect.gen(function* () {
        const v = yield* Flow.stage(volume, params.name)
        const p = yield* Flow.stage(port, v)
        const s = yield* Flow.stage(server, { v, p })
        return { volume: v, port: p, server: s }
      })
  })
}

const runDying = <I, O, E, R, II, OI>(
  flow: Flow.Flow<I, O, E, R, II, OI>,
  taskId: string,
  params: I,
  dies: (entry: TimelineWrite) => boolean,
  afterWrite = true
) =>
  Effect.gen(function* () {
    const store = yield* dyingStore(dies, afterWrite)
    return yield* Effect.exit(
      Effect.provideService(runFlow(flow, { taskId, params }), Checkpoints.Checkpoints, store)
    )
  })

/** Quick looks, as the store answers in milliseconds; bounded well within a test's time. */
const soon = { every: "5 millis", timeout: "10 seconds" } as const

/**
 * Waits until some fiber sleeps on the TestClock until `delay` from now, so time is only moved once the
 * retry waits. (The store's own pool may keep other sleeps; only the wake-up time tells them apart.)
 */
const sleeping = (delay: Duration.DurationInput) =>
  eventually(
    Effect.gen(function* () {
      const wake = (yield* TestClock.currentTimeMillis) + Duration.toMillis(delay)
      return Chunk.some(yield* TestClock.sleeps(), (at) => at === wake)
    }),
    (asleep) => asleep,
    { ...soon, what: `a fiber asleep until ${Duration.format(delay)} from now` }
  )

const timeline = (taskId: string) => Effect.flatMap(Checkpoints.Checkpoints, (s) => s.timeline(taskId))

const states = (entries: ReadonlyArray<TimelineEntry>, phase: TimelineEntry["phase"]) =>
  entries.filter((e) => e.phase === phase).map((e) => `${e.path}#${e.attempt}:${e.state}`)

/** The run's attempts as the store shows them, once `until` holds. */
const runStatesWhen = (taskId: string, until: (states: ReadonlyArray<string>) => boolean, what: string) =>
  eventually(
    Effect.map(timeline(taskId), (t) => states(t, "run")),
    until,
    { ...soon, what }
  )

/** The behaviour every Checkpoints implementation must give the runner. */
export const flowRuntimeContract = (name: string, layer: Layer.Layer<Checkpoints.Checkpoints, unknown>) =>
  describe(`flow runtime on ${name} checkpoints`, () => {
    it.layer(layer, { timeout: 120_000 })((it) => {
      it.effect("runs a 3-stage flow once, passing typed results along, and records it", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const outcome = yield* runFlow(threeStages(world), { taskId, params: { name: "a" } })
          expect(outcome).toEqual(
            FlowOutcome.Succeeded({ result: { volume: "volume-1", port: "port-2", server: "server-3" } })
          )
          expect(world.log).toEqual(["volume", "port", "server"])
          const entries = yield* timeline(taskId)
          expect(states(entries, "run")).toEqual([
            "volume#1:SUCCEEDED",
            "port#1:SUCCEEDED",
            "server#1:SUCCEEDED"
          ])
          expect(states(entries, "flow")).toEqual(["$flow#1:SUCCEEDED"])
          const volume = entries.find((e) => e.path === "volume")
          expect(volume?.detail.requestIds).toEqual(["req-volume"])
          expect(volume?.durationMs).toBeGreaterThanOrEqual(0)
          // Running a finished task again returns its recorded outcome and runs nothing.
          const again = yield* runFlow(threeStages(world), { taskId, params: { name: "a" } })
          expect(again).toEqual(outcome)
          expect(world.log).toHaveLength(3)
        })
      )

      it.effect("stores a stage's success with the next stage's start, in one write, before it runs", () =>
        Effect.gen(function* () {
          const store = yield* Checkpoints.Checkpoints
          const writes: Array<ReadonlyArray<string>> = []
          const label = (e: TimelineWrite) => `${e.path}#${e.attempt}:${e.state}`
          const counting = Checkpoints.Checkpoints.of({
            timeline: store.timeline,
            record: (entry) =>
              Effect.zipRight(
                Effect.sync(() => writes.push([label(entry)])),
                store.record(entry)
              ),
            recordAll: (entries) =>
              Effect.zipRight(
                Effect.sync(() => writes.push(entries.map(label))),
                store.recordAll(entries)
              )
          })
          const world = new World()
          const taskId = newTaskId()
          const volume = creating(world, "volume")
          // What the store holds when the second stage starts its work.
          const look = Stage.make({
            name: "look",
            result: Schema.Array(Schema.String),
            run: () => Effect.map(timeline(taskId), (entries) => states(entries, "run"))
          })
          const flow = Flow.make({
            type: "test.look",
            params: Schema.Void,
            result: Schema.Array(Schema.String),
            program: () => Effect.zipRight(Flow.stage(volume, null), Flow.stage(look, null))
          })
          const outcome = yield* runFlow(flow, { taskId, params: undefined }).pipe(
            Effect.provideService(Checkpoints.Checkpoints, counting)
          )
          expect(outcome).toEqual(FlowOutcome.Succeeded({ result: ["volume#1:SUCCEEDED", "look#1:RUNNING"] }))
          expect(writes).toEqual([
            ["$flow#1:RUNNING"],
            ["volume#1:RUNNING"],
            ["volume#1:SUCCEEDED", "look#1:RUNNING"],
            ["look#1:SUCCEEDED", "$flow#1:SUCCEEDED"]
          ])
          const entries = yield* timeline(taskId)
          expect(entries.map((e) => `${e.path}:${e.state}`)).toEqual([
            "volume:SUCCEEDED",
            "look:SUCCEEDED",
            "$flow:SUCCEEDED"
          ])
        })
      )

      it.effect("stores a success by itself when the run waits on something else before its next write", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const watching = yield* Deferred.make<void>()
          // The volume finishes once the other branch has started; that branch then waits, writing
          // nothing, until the store shows the volume's success.
          const volume = Stage.make({
            name: "volume",
            result: Schema.String,
            run: (_: unknown, ctx) =>
              Effect.zipRight(Deferred.await(watching), world.create("volume", ctx.idempotencyToken))
          })
          const watch = Stage.make({
            name: "watch",
            result: Schema.Void,
            run: () =>
              Effect.zipRight(
                Deferred.succeed(watching, undefined),
                runStatesWhen(
                  taskId,
                  (run) => run.includes("volume#1:SUCCEEDED"),
                  "the volume's success in the store"
                )
              )
          })
          const flow = Flow.make({
            type: "test.idle",
            params: Schema.Void,
            result: Schema.Void,
            program: () => Effect.asVoid(Flow.parallel(Flow.stage(volume, null), Flow.stage(watch, null)))
          })
          const outcome = yield* TestServices.provideLive(runFlow(flow, { taskId, params: undefined }))
          expect(outcome._tag).toBe("Succeeded")
        })
      )

      it.effect("an interrupted run stores the outcomes its stages reached", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const reached = yield* Deferred.make<void>()
          const volume = creating(world, "volume")
          const flow = Flow.make({
            type: "test.interrupted",
            params: Schema.Void,
            result: Schema.Void,
            program: () =>
              Effect.gen(function* () {
                yield* Flow.stage(volume, null)
                yield* Deferred.succeed(reached, undefined)
                return yield* Effect.never
              })
          })
          const fiber = yield* Effect.fork(runFlow(flow, { taskId, params: undefined }))
          yield* Deferred.await(reached)
          yield* Fiber.interrupt(fiber)
          expect(states(yield* timeline(taskId), "run")).toEqual(["volume#1:SUCCEEDED"])
        })
      )

      for (const crashAfter of ["volume", "port", "server"]) {
        it.effect(
          `resumes after a crash right after ${crashAfter} was recorded, running each stage once`,
          () =>
            Effect.gen(function* () {
              const world = new World()
              const taskId = newTaskId()
              const flow = threeStages(world)
              const crashed = yield* runDying(
                flow,
                taskId,
                { name: "a" },
                (e) => e.path === crashAfter && e.state === "SUCCEEDED"
              )
              expect(crashed._tag).toBe("Failure")
              const outcome = yield* runFlow(flow, { taskId, params: { name: "a" } })
              expect(outcome._tag).toBe("Succeeded")
              for (const stage of ["volume", "port", "server"]) expect(world.count(stage)).toBe(1)
              expect(world.resources.size).toBe(3)
            })
        )
      }

      it.effect("re-runs a stage cut off before its result was recorded, adopting what it made", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const flow = threeStages(world)
          // The port was created, but the process died before the result reached the store.
          yield* runDying(
            flow,
            taskId,
            { name: "a" },
            (e) => e.path === "port" && e.state === "SUCCEEDED",
            false
          )
          const outcome = yield* runFlow(flow, { taskId, params: { name: "a" } })
          expect(outcome._tag).toBe("Succeeded")
          expect(world.count("port")).toBe(2)
          expect([...world.resources.values()].filter((id) => id.startsWith("port"))).toHaveLength(1)
          expect(states(yield* timeline(taskId), "run")).toContain("port#2:SUCCEEDED")
        })
      )

      it.effect("on failure undoes completed stages in reverse order, recording each", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const outcome = yield* runFlow(threeStages(world, "server"), { taskId, params: { name: "a" } })
          expect(outcome).toEqual(
            FlowOutcome.Failed({
              error: { code: "test.boom", message: "boom in server", stage: "server" },
              compensation: { compensated: ["port", "volume"], failed: [] }
            })
          )
          expect(world.log).toEqual(["volume", "port", "undo port", "undo volume"])
          expect(world.resources.size).toBe(0)
          const entries = yield* timeline(taskId)
          expect(states(entries, "compensate")).toEqual(["port#1:SUCCEEDED", "volume#1:SUCCEEDED"])
          expect(states(entries, "run")).toContain("server#1:FAILED")
          expect(states(entries, "flow")).toEqual(["$flow#1:FAILED"])
        })
      )

      it.effect("records a failing compensation and goes on unwinding", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const volume = creating(world, "volume")
          const stuck = Stage.make({
            name: "port",
            result: Schema.String,
            run: (_: unknown, ctx) => world.create("port", ctx.idempotencyToken),
            compensate: () => Effect.fail(new Boom({ where: "undo port" })),
            compensateRetry: Schedule.recurs(1)
          })
          const failing = creating(world, "server", () => true)
          const flow = Flow.make({
            type: "test.undo",
            params: Schema.Void,
            result: Schema.Void,
            program: () =>
              Effect.gen(function* () {
                yield* Flow.stage(volume, null)
                yield* Flow.stage(stuck, null)
                yield* Flow.stage(failing, null)
              })
          })
          // Measured too: the failed undo, and each attempt of it (counts per process: compare).
          const undoFailed = Metric.tagged(EngineMetrics.undoFailures, "stage", "port")
          const undoAttempts = Metric.taggedWithLabels(EngineMetrics.stageDuration, [
            MetricLabel.make("stage", "port"),
            MetricLabel.make("phase", "compensate"),
            MetricLabel.make("outcome", "failed")
          ])
          const failedBefore = (yield* Metric.value(undoFailed)).count
          const attemptsBefore = (yield* Metric.value(undoAttempts)).count
          const outcome = yield* runFlow(flow, { taskId, params: undefined })
          expect((yield* Metric.value(undoFailed)).count - failedBefore).toBe(1)
          expect((yield* Metric.value(undoAttempts)).count - attemptsBefore).toBe(2)
          expect(outcome._tag).toBe("Failed")
          if (outcome._tag !== "Failed") return
          expect(outcome.compensation.compensated).toEqual(["volume"])
          expect(outcome.compensation.failed).toEqual([
            { path: "port", error: { code: "test.boom", message: "boom in undo port", stage: "port" } }
          ])
          expect(states(yield* timeline(taskId), "compensate")).toEqual([
            "port#1:RETRYING",
            "port#2:FAILED",
            "volume#1:SUCCEEDED"
          ])
          expect(world.count("undo volume")).toBe(1)
        })
      )

      it.effect("resumes an unwinding cut off by a crash without undoing anything twice", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const flow = threeStages(world, "server")
          yield* runDying(
            flow,
            taskId,
            { name: "a" },
            (e) => e.phase === "compensate" && e.path === "port" && e.state === "SUCCEEDED"
          )
          expect(world.count("undo port")).toBe(1)
          const outcome = yield* runFlow(flow, { taskId, params: { name: "a" } })
          expect(outcome._tag).toBe("Failed")
          expect(world.count("undo port")).toBe(1)
          expect(world.count("undo volume")).toBe(1)
          expect(world.resources.size).toBe(0)
          const entries = yield* timeline(taskId)
          // The failed stage is not run again, and nothing is undone twice. The write that stored the
          // port's undo also started the volume's, whose body never ran: that attempt is in doubt and the
          // resumed run makes a second one.
          expect(states(entries, "run").filter((s) => s.startsWith("server"))).toEqual(["server#1:FAILED"])
          expect(states(entries, "compensate")).toEqual([
            "port#1:SUCCEEDED",
            "volume#1:RUNNING",
            "volume#2:SUCCEEDED"
          ])
        })
      )

      it.effect("honours a stage's retry schedule, recording every attempt", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          let failures = 2
          const flaky = Stage.make({
            name: "flaky",
            result: Schema.String,
            run: (_: unknown, ctx) =>
              failures-- > 0
                ? Effect.fail(new Boom({ where: "flaky" }))
                : world.create("flaky", ctx.idempotencyToken),
            retry: Schedule.spaced("10 seconds").pipe(Schedule.intersect(Schedule.recurs(3)))
          })
          const flow = Flow.make({
            type: "test.retry",
            params: Schema.Void,
            result: Schema.String,
            program: () => Flow.stage(flaky, null)
          })
          const fiber = yield* Effect.fork(runFlow(flow, { taskId, params: undefined }))
          yield* sleeping("10 seconds")
          yield* TestClock.adjust("9 seconds")
          expect(states(yield* timeline(taskId), "run")).toEqual(["flaky#1:RETRYING"])
          yield* TestClock.adjust("1 second")
          yield* runStatesWhen(taskId, (run) => run.length === 2, "the second attempt in the store")
          yield* sleeping("10 seconds")
          yield* TestClock.adjust("10 seconds")
          const outcome = yield* Fiber.join(fiber)
          expect(outcome).toEqual(FlowOutcome.Succeeded({ result: "flaky-1" }))
          expect(states(yield* timeline(taskId), "run")).toEqual([
            "flaky#1:RETRYING",
            "flaky#2:RETRYING",
            "flaky#3:SUCCEEDED"
          ])
        })
      )

      it.effect("cancellation interrupts a waiting stage and undoes what was made", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const waiting = yield* Deferred.make<void>()
          const cancel = yield* Deferred.make<void>()
          const volume = creating(world, "volume")
          const waitActive = Stage.make({
            name: "waitActive",
            result: Schema.Void,
            waits: true,
            run: () => Effect.zipRight(Deferred.succeed(waiting, undefined), Effect.never)
          })
          const after = creating(world, "after")
          const flow = Flow.make({
            type: "test.cancel",
            params: Schema.Void,
            result: Schema.Void,
            program: () =>
              Effect.gen(function* () {
                yield* Flow.stage(volume, null)
                yield* Flow.stage(waitActive, null)
                yield* Flow.stage(after, null)
              })
          })
          const fiber = yield* Effect.fork(
            runFlow(flow, { taskId, params: undefined, cancellation: Deferred.await(cancel) })
          )
          yield* Deferred.await(waiting)
          yield* Deferred.succeed(cancel, undefined)
          const outcome = yield* Fiber.join(fiber)
          expect(outcome).toEqual(
            FlowOutcome.Cancelled({ compensation: { compensated: ["volume"], failed: [] } })
          )
          expect(world.count("after")).toBe(0)
          expect(world.resources.size).toBe(0)
          const entries = yield* timeline(taskId)
          expect(states(entries, "run")).toEqual(["volume#1:SUCCEEDED", "waitActive#1:INTERRUPTED"])
          expect(states(entries, "flow")).toEqual(["$flow#1:CANCELLED"])
        })
      )

      it.effect("runs for-each items in parallel branches under bounded concurrency", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          let running = 0
          let peak = 0
          // Two port stages must be running at once before either may finish: proves they overlap.
          const bothRunning = yield* Deferred.make<void>()
          const volume = creating(world, "volume")
          const port = Stage.make({
            name: "port",
            result: Schema.String,
            run: (_: number, ctx) =>
              Effect.acquireUseRelease(
                Effect.sync(() => {
                  running += 1
                  peak = Math.max(peak, running)
                }),
                () =>
                  Effect.gen(function* () {
                    if (running === 2) yield* Deferred.succeed(bothRunning, undefined)
                    yield* Deferred.await(bothRunning)
                    return yield* world.create("port", ctx.idempotencyToken)
                  }),
                () =>
                  Effect.sync(() => {
                    running -= 1
                  })
              ),
            compensate: (id) => world.remove("port", id)
          })
          const flow = Flow.make({
            type: "test.foreach",
            params: Schema.Array(Schema.Number),
            result: Schema.Array(Schema.Tuple(Schema.String, Schema.String)),
            program: (items) =>
              Flow.forEach(
                "server",
                items,
                (item) => Flow.parallel(Flow.stage(volume, item), Flow.stage(port, item)),
                {
                  concurrency: 2
                }
              )
          })
          const outcome = yield* runFlow(flow, { taskId, params: [1, 2, 3, 4] })
          expect(outcome._tag).toBe("Succeeded")
          expect(peak).toBe(2)
          const paths = states(yield* timeline(taskId), "run").sort()
          expect(paths).toContain("server[3]/port#1:SUCCEEDED")
          expect(paths).toContain("server[0]/volume#1:SUCCEEDED")
          expect(paths).toHaveLength(8)
          expect(world.resources.size).toBe(8)
        })
      )

      it.effect("a failure in one branch undoes every branch's completed stages", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = newTaskId()
          const volume = creating(world, "volume")
          const port = Stage.make({
            name: "port",
            result: Schema.String,
            run: (item: number, ctx) =>
              item === 2
                ? Effect.fail(new Boom({ where: "port 2" }))
                : world.create("port", ctx.idempotencyToken),
            compensate: (id) => world.remove("port", id)
          })
          const flow = Flow.make({
            type: "test.branches",
            params: Schema.Array(Schema.Number),
            result: Schema.Array(Schema.Tuple(Schema.String, Schema.String)),
            program: (items) =>
              Flow.forEach(
                "server",
                items,
                (item) => Flow.parallel(Flow.stage(volume, item), Flow.stage(port, item)),
                {
                  concurrency: 3
                }
              )
          })
          const outcome = yield* runFlow(flow, { taskId, params: [0, 1, 2] })
          expect(outcome._tag).toBe("Failed")
          if (outcome._tag !== "Failed") return
          expect(outcome.error.stage).toBe("server[2]/port")
          expect(outcome.compensation.failed).toEqual([])
          expect(world.resources.size).toBe(0)
          const ran = states(yield* timeline(taskId), "run").filter((s) => s.endsWith("SUCCEEDED"))
          expect([...outcome.compensation.compensated].sort()).toEqual(ran.map((s) => s.split("#")[0]).sort())
        })
      )
    })
  })
