import { describe, expect, it } from "@effect/vitest"
import { Checkpoints, Flow, FlowOutcome, runFlow, Stage, type TimelineEntry } from "@enamel/domain"
import { Effect, type Layer, Schema } from "effect"
import { dyingStore } from "../support/dyingStore.js"
import { World } from "./world.js"

/**
 * Keep, then retry or roll back (issue #20), as the runner does it on any Checkpoints: a `keep` run that
 * fails undoes nothing and ends HELD naming the stage; a retry resumes from that stage (the completed
 * ones not run again, the attempts going on counting); a rollback undoes, latest first, and is resumable.
 */

class Boom extends Schema.TaggedError<Boom>()("Boom", { where: Schema.String }) {
  readonly code = "test.boom"
  override get message() {
    return `boom in ${this.where}`
  }
}

/** A creating stage that fails while `failing.has(name)`; undoes by deleting, or fails to when told. */
const creating = (world: World, name: string, failing: Set<string>, undoFails: Set<string>) =>
  Stage.make({
    name,
    result: Schema.String,
    run: (_input: unknown, ctx) =>
      failing.has(name)
        ? Effect.zipRight(
            Effect.sync(() => world.log.push(`fail ${name}`)),
            Effect.fail(new Boom({ where: name }))
          )
        : world.create(name, ctx.idempotencyToken),
    compensate: (id) =>
      undoFails.has(name) ? Effect.fail(new Boom({ where: `undo ${name}` })) : world.remove(name, id)
  })

/** volume → port → server; the server stage (the last) is the one the tests make fail. */
const threeStages = (world: World, failing: Set<string>, undoFails: Set<string> = new Set()) => {
  const volume = creating(world, "volume", failing, undoFails)
  const port = creating(world, "port", failing, undoFails)
  const server = creating(world, "server", failing, undoFails)
  return Flow.make({
    type: "test.keep",
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

const timeline = (taskId: string) => Effect.flatMap(Checkpoints.Checkpoints, (s) => s.timeline(taskId))

const states = (entries: ReadonlyArray<TimelineEntry>, phase: TimelineEntry["phase"]) =>
  entries.filter((e) => e.phase === phase).map((e) => `${e.path}#${e.attempt}:${e.state}`)

const params = { name: "a" }

/** A keep run of the three stages, failed at the server and held (the undos of `undoFails` fail). */
const heldRun = (undoFails: Set<string> = new Set()) =>
  Effect.gen(function* () {
    const world = new World()
    const taskId = crypto.randomUUID()
    const failing = new Set(["server"])
    const flow = threeStages(world, failing, undoFails)
    yield* runFlow(flow, { taskId, params, onFailure: "keep" })
    return { world, taskId, failing, flow }
  })
const boom = { code: "test.boom", message: "boom in server", stage: "server" }

export const flowKeepContract = (name: string, layer: Layer.Layer<Checkpoints.Checkpoints, unknown>) =>
  describe(`keep, retry and rollback on ${name} checkpoints`, () => {
    it.layer(layer, { timeout: 120_000 })((it) => {
      it.effect(
        "a keep run that fails at its last stage undoes nothing and ends HELD, naming the stage",
        () =>
          Effect.gen(function* () {
            const world = new World()
            const taskId = crypto.randomUUID()
            const flow = threeStages(world, new Set(["server"]))
            const outcome = yield* runFlow(flow, { taskId, params, onFailure: "keep" })
            expect(outcome).toEqual(FlowOutcome.Held({ error: boom }))
            expect(world.log).toEqual(["volume", "port", "fail server"])
            expect([...world.resources.values()].sort()).toEqual(["port-2", "volume-1"])
            const entries = yield* timeline(taskId)
            expect(states(entries, "flow")).toEqual(["$flow#1:HELD"])
            expect(states(entries, "compensate")).toEqual([])
            // Run again without a retry (a worker that crashed before it wrote the task's row): still held.
            expect(yield* runFlow(flow, { taskId, params, onFailure: "keep" })).toEqual(outcome)
            expect(world.log).toHaveLength(3)
          })
      )

      it.effect(
        "a retry resumes from the failed stage: earlier stages run once, attempts go on counting",
        () =>
          Effect.gen(function* () {
            const world = new World()
            const taskId = crypto.randomUUID()
            const failing = new Set(["server"])
            const flow = threeStages(world, failing)
            yield* runFlow(flow, { taskId, params, onFailure: "keep" })
            // Retried while the cause is still there: held again, the stage at its second attempt.
            const again = yield* runFlow(flow, { taskId, params, onFailure: "keep", retries: 1 })
            expect(again).toEqual(FlowOutcome.Held({ error: boom }))
            failing.delete("server")
            const outcome = yield* runFlow(flow, { taskId, params, onFailure: "keep", retries: 2 })
            expect(outcome).toEqual(
              FlowOutcome.Succeeded({ result: { volume: "volume-1", port: "port-2", server: "server-3" } })
            )
            expect(world.count("volume")).toBe(1)
            expect(world.count("port")).toBe(1)
            expect(world.log).toEqual(["volume", "port", "fail server", "fail server", "server"])
            const entries = yield* timeline(taskId)
            expect(states(entries, "run")).toEqual([
              "volume#1:SUCCEEDED",
              "port#1:SUCCEEDED",
              "server#1:FAILED",
              "server#2:FAILED",
              "server#3:SUCCEEDED"
            ])
            // The flow entry counts the runs.
            expect(states(entries, "flow")).toEqual(["$flow#1:HELD", "$flow#2:HELD", "$flow#3:SUCCEEDED"])
            expect(states(entries, "compensate")).toEqual([])
          })
      )

      it.effect("a rollback undoes what the held run made, latest first, and ends RolledBack", () =>
        Effect.gen(function* () {
          const { world, taskId, flow } = yield* heldRun()
          const outcome = yield* runFlow(flow, { taskId, params, onFailure: "keep", rollingBack: true })
          expect(outcome).toEqual(
            FlowOutcome.RolledBack({
              error: boom,
              compensation: { compensated: ["port", "volume"], failed: [] }
            })
          )
          expect(world.resources.size).toBe(0)
          expect(world.log).toEqual(["volume", "port", "fail server", "undo port", "undo volume"])
          const entries = yield* timeline(taskId)
          expect(states(entries, "flow")).toEqual(["$flow#1:ROLLED_BACK"])
          // Ended: running it again does nothing.
          expect(yield* runFlow(flow, { taskId, params, onFailure: "keep", rollingBack: true })).toEqual(
            outcome
          )
          expect(world.log).toHaveLength(5)
        })
      )

      it.effect("a rollback whose undo fails ends Failed with the compensation report", () =>
        Effect.gen(function* () {
          const { taskId, flow } = yield* heldRun(new Set(["port"]))
          const outcome = yield* runFlow(flow, { taskId, params, onFailure: "keep", rollingBack: true })
          expect(outcome).toMatchObject({
            _tag: "Failed",
            error: boom,
            compensation: { compensated: ["volume"], failed: [{ path: "port" }] }
          })
          expect(states(yield* timeline(taskId), "flow")).toEqual(["$flow#1:FAILED"])
        })
      )

      it.effect("a rollback cut off by a crash resumes: what was undone is not undone twice", () =>
        Effect.gen(function* () {
          const { world, taskId, flow } = yield* heldRun()
          // The worker dies right after the port's undo is stored.
          const store = yield* dyingStore(
            (e) => e.phase === "compensate" && e.path === "port" && e.state === "SUCCEEDED",
            true
          )
          const crashed = yield* Effect.exit(
            Effect.provideService(
              runFlow(flow, { taskId, params, onFailure: "keep", rollingBack: true }),
              Checkpoints.Checkpoints,
              store
            )
          )
          expect(crashed._tag).toBe("Failure")
          expect(states(yield* timeline(taskId), "flow")).toEqual(["$flow#1:UNWINDING"])
          const outcome = yield* runFlow(flow, { taskId, params, onFailure: "keep", rollingBack: true })
          expect(outcome).toEqual(
            FlowOutcome.RolledBack({
              error: boom,
              compensation: { compensated: ["port", "volume"], failed: [] }
            })
          )
          expect(world.count("undo port")).toBe(1)
          expect(world.count("undo volume")).toBe(1)
          expect(world.resources.size).toBe(0)
        })
      )

      it.effect("a retry cut off by a crash resumes the retry, not the old failure", () =>
        Effect.gen(function* () {
          const { world, taskId, failing, flow } = yield* heldRun()
          failing.delete("server")
          // The worker dies as the retry's flow entry is stored, before the stage runs again.
          const store = yield* dyingStore((e) => e.phase === "flow" && e.attempt === 2, true)
          const crashed = yield* Effect.exit(
            Effect.provideService(
              runFlow(flow, { taskId, params, onFailure: "keep", retries: 1 }),
              Checkpoints.Checkpoints,
              store
            )
          )
          expect(crashed._tag).toBe("Failure")
          const outcome = yield* runFlow(flow, { taskId, params, onFailure: "keep", retries: 1 })
          expect(outcome._tag).toBe("Succeeded")
          expect(world.count("volume")).toBe(1)
          expect(world.count("server")).toBe(1)
        })
      )

      it.effect("rollback (the default) still unwinds at once", () =>
        Effect.gen(function* () {
          const world = new World()
          const taskId = crypto.randomUUID()
          const outcome = yield* runFlow(threeStages(world, new Set(["server"])), { taskId, params })
          expect(outcome).toMatchObject({ _tag: "Failed", compensation: { compensated: ["port", "volume"] } })
          expect(world.resources.size).toBe(0)
        })
      )
    })
  })
