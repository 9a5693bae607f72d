import { HttpServer } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { type Answer, send, tokens } from "../../../packages/api/test/harness.js"
import { eventually } from "../../support/poll.js"

/**
 * Enamel's behaviour through its HTTP API, run against each backend (PostgreSQL + RabbitMQ, and the
 * embedded PGlite + in-process broker) with static token validation and the test flows of ./flows.ts.
 */
export interface Backend<R> {
  readonly name: string
  /** What outlives a restart of Enamel (a database and broker namespace, or a data dir); for the suite. */
  readonly durable: Layer.Layer<R, unknown>
  /** One run of Enamel, API (on a random port) and worker in one process, over the durable part. */
  readonly enamel: Layer.Layer<HttpServer.HttpServer, unknown, R>
}

const server = (name: string) => ({
  name,
  image: "tiny",
  flavor: "m1.tiny",
  networks: [{ network: "private" }]
})

interface TaskBody {
  readonly id: string
  readonly state: string
  readonly project_id: string
  readonly error: { readonly code: string; readonly stage?: string } | null
  readonly on_failure?: string
  readonly held?: boolean
  readonly timeline?: ReadonlyArray<{
    readonly stage: string
    readonly phase: string
    readonly state: string
    readonly attempt: number
  }>
}
const taskOf = (answer: Answer) => (answer.body as { task: TaskBody }).task

const terminal = ["SUCCEEDED", "FAILED", "CANCELLED"]

export const enamelBehaviour = <R>(backend: Backend<R>) =>
  describe(`Enamel's behaviour on ${backend.name}`, () => {
    layer(backend.durable, { timeout: 120_000, excludeTestServices: true })((it) => {
      /** Starts Enamel; it runs until `stop`. */
      const start = Effect.gen(function* () {
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(backend.enamel, scope).pipe(Effect.orDie)
        const server = Context.get(context, HttpServer.HttpServer)
        return {
          send: (...args: Parameters<typeof send>) =>
            Effect.provideService(send(...args), HttpServer.HttpServer, server),
          stop: Scope.close(scope, Exit.void)
        }
      })
      type Running = Effect.Effect.Success<typeof start>

      const accept = (
        enamel: Running,
        name: string,
        token: string = tokens.alice,
        more: Record<string, unknown> = {}
      ) =>
        Effect.map(
          enamel.send("POST", "/servers", { token, body: { ...server(name), ...more } }),
          (answer) => {
            expect(answer.status).toBe(202)
            return taskOf(answer)
          }
        )
      const get = (enamel: Running, id: string, token: string = tokens.alice) =>
        Effect.map(enamel.send("GET", `/tasks/${id}`, { token }), taskOf)
      /** The task once it is in one of `states` (20 s at most). */
      const until = (enamel: Running, id: string, states: ReadonlyArray<string>) =>
        eventually(get(enamel, id), (t) => states.includes(t.state), {
          what: `task ${id} to be ${states.join(" or ")}`,
          timeout: "20 seconds"
        })
      const stages = (task: TaskBody, phase: string, state: string) =>
        (task.timeline ?? []).filter((e) => e.phase === phase && e.state === state).map((e) => e.stage)
      /** The task once its timeline shows `stage` in `state`: the run got that far. */
      const reached = (enamel: Running, id: string, stage: string, state: string) =>
        eventually(get(enamel, id), (t) => stages(t, "run", state).includes(stage), {
          what: `task ${id} to show ${stage} ${state}`,
          timeout: "20 seconds"
        })

      it.effect("accepts a task, runs it to SUCCEEDED, and shows its timeline", () =>
        Effect.gen(function* () {
          const enamel = yield* start
          const accepted = yield* accept(enamel, "ok-1")
          expect(accepted.state).toBe("PENDING")
          const done = yield* until(enamel, accepted.id, terminal)
          expect(done.state).toBe("SUCCEEDED")
          expect(stages(done, "run", "SUCCEEDED")).toEqual(["s0/step", "s1/step", "s2/step"])
          yield* enamel.stop
        })
      )

      it.effect("a flow that fails ends FAILED with its cause, and what it did is undone", () =>
        Effect.gen(function* () {
          const enamel = yield* start
          const accepted = yield* accept(enamel, "fail-1")
          const done = yield* until(enamel, accepted.id, terminal)
          expect(done.state).toBe("FAILED")
          expect(done.error?.code).toBe("test.refused")
          expect(stages(done, "run", "FAILED")).toContain("refuse")
          expect(stages(done, "compensate", "SUCCEEDED").sort()).toEqual(["s0/step", "s1/step"])
          yield* enamel.stop
        })
      )

      it.effect("a cancelled task stops waiting, is undone, and ends CANCELLED", () =>
        Effect.gen(function* () {
          const enamel = yield* start
          const accepted = yield* accept(enamel, "wait-1")
          // Cancelled while it waits, not before: what is interrupted is the wait itself.
          const waiting = yield* reached(enamel, accepted.id, "waitForever", "RUNNING")
          expect(waiting.state).toBe("RUNNING")
          const cancel = yield* enamel.send("POST", `/tasks/${accepted.id}/cancel`, { token: tokens.alice })
          expect(cancel.status).toBe(202)
          const done = yield* until(enamel, accepted.id, terminal)
          expect(done.state).toBe("CANCELLED")
          expect(stages(done, "compensate", "SUCCEEDED")).toEqual(["s0/step"])
          yield* enamel.stop
        })
      )

      /** A `flaky-*` task accepted with on_failure keep, once it is held at its failed stage. */
      const held = (enamel: Running, name: string) =>
        Effect.gen(function* () {
          const accepted = yield* accept(enamel, name, tokens.alice, { on_failure: "keep" })
          expect(accepted).toMatchObject({ on_failure: "keep", held: false })
          const failed = yield* until(enamel, accepted.id, terminal)
          expect(failed).toMatchObject({
            state: "FAILED",
            on_failure: "keep",
            held: true,
            error: { code: "test.refused", stage: "refuseFirst" }
          })
          expect(stages(failed, "compensate", "SUCCEEDED")).toEqual([])
          expect(stages(failed, "flow", "HELD")).toEqual(["$flow"])
          return failed
        })

      it.effect("a keep task fails held; retried, it resumes from the failed stage and SUCCEEDS", () =>
        Effect.gen(function* () {
          const enamel = yield* start
          const failed = yield* held(enamel, "flaky-1")
          // Another project's task answers as cancel does: 404.
          expect(
            (yield* enamel.send("POST", `/tasks/${failed.id}/retry`, { token: tokens.bob })).status
          ).toBe(404)
          const retry = yield* enamel.send("POST", `/tasks/${failed.id}/retry`, { token: tokens.alice })
          expect(retry.status).toBe(202)
          expect(taskOf(retry)).toMatchObject({ state: "RUNNING", held: false, error: null })
          const done = yield* until(enamel, failed.id, terminal)
          expect(done.state).toBe("SUCCEEDED")
          const runs = (done.timeline ?? []).filter((e) => e.phase === "run")
          const attempts = (stage: string) =>
            runs.filter((e) => e.stage === stage).map((e) => `${e.attempt}:${e.state}`)
          // The steps before ran once; the failed stage's retry is its second attempt.
          expect(attempts("s0/step")).toEqual(["1:SUCCEEDED"])
          expect(attempts("s1/step")).toEqual(["1:SUCCEEDED"])
          expect(attempts("refuseFirst")).toEqual(["1:FAILED", "2:SUCCEEDED"])
          const again = yield* enamel.send("POST", `/tasks/${failed.id}/retry`, { token: tokens.alice })
          expect(again.status).toBe(409)
          expect(again.body).toMatchObject({ errors: [{ code: "task.not_held" }] })
          yield* enamel.stop
        })
      )

      it.effect("a keep task held, then rolled back: ROLLING_BACK, undone latest first, ROLLED_BACK", () =>
        Effect.gen(function* () {
          const enamel = yield* start
          const failed = yield* held(enamel, "flaky-2")
          const cancel = yield* enamel.send("POST", `/tasks/${failed.id}/cancel`, { token: tokens.alice })
          expect(cancel.status).toBe(409)
          const rollback = yield* enamel.send("POST", `/tasks/${failed.id}/rollback`, { token: tokens.alice })
          expect(rollback.status).toBe(202)
          expect(taskOf(rollback).state).toBe("ROLLING_BACK")
          const done = yield* until(enamel, failed.id, ["ROLLED_BACK", "FAILED"])
          expect(done).toMatchObject({ state: "ROLLED_BACK", held: false })
          expect(stages(done, "compensate", "SUCCEEDED")).toEqual(["s1/step", "s0/step"])
          const retry = yield* enamel.send("POST", `/tasks/${failed.id}/retry`, { token: tokens.alice })
          expect(retry.status).toBe(409)
          yield* enamel.stop
        })
      )

      it.effect("on_failure is part of the request an Idempotency-Key names", () =>
        Effect.gen(function* () {
          const enamel = yield* start
          const headers = { "idempotency-key": `keep-${crypto.randomUUID()}` }
          const first = yield* enamel.send("POST", "/servers", {
            token: tokens.alice,
            body: { ...server("ok-keep"), on_failure: "keep" },
            headers
          })
          expect(first.status).toBe(202)
          const same = yield* enamel.send("POST", "/servers", {
            token: tokens.alice,
            body: { ...server("ok-keep"), on_failure: "keep" },
            headers
          })
          expect(taskOf(same).id).toBe(taskOf(first).id)
          const other = yield* enamel.send("POST", "/servers", {
            token: tokens.alice,
            body: server("ok-keep"),
            headers
          })
          expect(other.status).toBe(409)
          yield* until(enamel, taskOf(first).id, terminal)
          yield* enamel.stop
        })
      )

      it.effect("a task is seen only by its own project: get, list, cancel", () =>
        Effect.gen(function* () {
          const enamel = yield* start
          const alices = yield* accept(enamel, "ok-alice")
          const bobs = yield* accept(enamel, "ok-bob", tokens.bob)
          expect((yield* enamel.send("GET", `/tasks/${alices.id}`, { token: tokens.bob })).status).toBe(404)
          const cancel = yield* enamel.send("POST", `/tasks/${alices.id}/cancel`, { token: tokens.bob })
          expect(cancel.status).toBe(404)
          const listed = (token: string) =>
            Effect.map(enamel.send("GET", "/tasks?limit=1000", { token }), (answer) =>
              (answer.body as { tasks: ReadonlyArray<TaskBody> }).tasks.map((t) => t.id)
            )
          const alicesList = yield* listed(tokens.alice)
          expect(alicesList).toContain(alices.id)
          expect(alicesList).not.toContain(bobs.id)
          expect(yield* listed(tokens.bob)).toEqual([bobs.id])
          expect((yield* until(enamel, alices.id, terminal)).state).toBe("SUCCEEDED")
          yield* enamel.stop
        })
      )

      it.effect("accepted tasks survive a restart of Enamel and finish, each stage run to success once", () =>
        Effect.gen(function* () {
          const first = yield* start
          const accepted = yield* Effect.forEach(["slow-1", "slow-2", "slow-3"], (name) =>
            accept(first, name)
          )
          const ids = accepted.map((t) => t.id)
          // Stopped mid-flow: a stage has been recorded, and the next one runs.
          yield* reached(first, ids[0] ?? "", "s0/step", "SUCCEEDED")
          yield* first.stop
          const second = yield* start
          for (const id of ids) {
            const done = yield* until(second, id, terminal)
            expect(done.state).toBe("SUCCEEDED")
            expect(stages(done, "run", "SUCCEEDED")).toEqual(
              Array.from({ length: 6 }, (_, i) => `s${i}/step`)
            )
          }
          yield* second.stop
        })
      )
    })
  })
