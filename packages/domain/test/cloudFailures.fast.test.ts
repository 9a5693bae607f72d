/**
 * How a stage that calls OpenStack reports the cloud's failures: the catalogue's `openstack.*` code with
 * the cloud's own words, in the timeline, the task's error and the unwinding report; which failures it
 * tries again. In memory, with the test clock.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  Checkpoints,
  CheckpointsMemory,
  ErrorCode,
  Flow,
  type FlowOutcome,
  runFlow,
  Stage
} from "@enamel/domain"
import {
  OpenStackConflict,
  type OpenStackError,
  OpenStackForbidden,
  OpenStackOverQuota,
  OpenStackServiceUnavailable
} from "@enamel/openstack-clients"
import { Effect, Fiber, Ref, Schema, TestClock } from "effect"
import * as CloudStage from "../src/flows/cloud/CloudStage.js"
import { UnresolvedRequest } from "../src/flows/server-create/errors.js"

const overQuota = new OpenStackOverQuota({
  service: "cinder",
  status: 413,
  message: "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'."
})
const forbidden = new OpenStackForbidden({
  service: "neutron",
  status: 403,
  message: "Policy does not allow it."
})

/** A stage that fails with `errors` in turn, then succeeds. */
const failing = (name: string, errors: ReadonlyArray<OpenStackError | UnresolvedRequest>) =>
  Effect.map(Ref.make(0), (calls) => ({
    calls,
    stage: CloudStage.make({
      name,
      result: Schema.String,
      run: (_: undefined) =>
        Effect.flatMap(
          Ref.getAndUpdate(calls, (n) => n + 1),
          (n) => {
            const error = errors[n]
            return error === undefined ? Effect.succeed(`${name}-made`) : Effect.fail(error)
          }
        )
    })
  }))

const run = <E, R>(stage: Stage.Stage<undefined, string, E, R, string>) => {
  const taskId = crypto.randomUUID()
  const flow = Flow.make({
    type: "test.cloud",
    params: Schema.Undefined,
    result: Schema.String,
    program: () => Flow.stage(stage, undefined)
  })
  return Effect.gen(function* () {
    const fiber = yield* Effect.fork(runFlow(flow, { taskId, params: undefined }))
    yield* TestClock.adjust("10 minutes")
    const outcome = yield* Fiber.join(fiber)
    const timeline = yield* Effect.flatMap(Checkpoints.Checkpoints, (c) => c.timeline(taskId))
    return { outcome, attempts: timeline.filter((e) => e.phase === "run" && e.path !== "") }
  })
}

const failedWith = (outcome: FlowOutcome<string>) =>
  outcome._tag === "Failed" ? outcome : expect.fail(`expected a failure, got ${outcome._tag}`)

describe("a stage that calls OpenStack", () => {
  it.effect("reports a definitive failure with its catalogue code and the cloud's words, at once", () =>
    Effect.gen(function* () {
      const { stage, calls } = yield* failing("createVolume", [overQuota])
      const { outcome, attempts } = yield* run(stage)
      const expected = {
        code: ErrorCode.openstackOverQuota,
        message: overQuota.message,
        stage: "createVolume"
      }
      expect(failedWith(outcome).error).toEqual(expected)
      expect(attempts.map((e) => [e.state, e.error])).toEqual([["FAILED", expected]])
      expect(yield* Ref.get(calls)).toBe(1)
    }).pipe(Effect.provide(CheckpointsMemory.layer))
  )

  it.effect("retries an outage, each attempt recorded with its code, until it succeeds", () =>
    Effect.gen(function* () {
      const down = new OpenStackServiceUnavailable({ service: "nova", status: 503, message: "busy" })
      const { stage } = yield* failing("bootServer", [down, down])
      const { outcome, attempts } = yield* run(stage)
      expect(outcome._tag).toBe("Succeeded")
      expect(attempts.map((e) => [e.attempt, e.state, e.error?.code ?? null])).toEqual([
        [1, "RETRYING", ErrorCode.openstackServiceUnavailable],
        [2, "RETRYING", ErrorCode.openstackServiceUnavailable],
        [3, "SUCCEEDED", null]
      ])
    }).pipe(Effect.provide(CheckpointsMemory.layer))
  )

  it.effect("retries a passing conflict, not a subnet with no address left", () =>
    Effect.gen(function* () {
      const busy = new OpenStackConflict({ service: "neutron", status: 409, message: "in use" })
      const full = new OpenStackConflict({
        service: "neutron",
        status: 409,
        kind: "IpAddressGenerationFailure",
        message: "No more IP addresses available on network private."
      })
      const { stage, calls } = yield* failing("createPort", [busy, full])
      const { outcome } = yield* run(stage)
      expect(failedWith(outcome).error).toEqual({
        code: ErrorCode.openstackConflict,
        message: full.message,
        stage: "createPort"
      })
      expect(yield* Ref.get(calls)).toBe(2)
    }).pipe(Effect.provide(CheckpointsMemory.layer))
  )

  it.effect("keeps the code of a failure that has its own", () =>
    Effect.gen(function* () {
      const { stage } = yield* failing("resolveRequest", [
        new UnresolvedRequest({ problems: ["no flavor x"] })
      ])
      const { outcome } = yield* run(stage)
      expect(failedWith(outcome).error).toEqual({
        code: ErrorCode.serverRequestUnresolved,
        message: "no flavor x",
        stage: "resolveRequest"
      })
    }).pipe(Effect.provide(CheckpointsMemory.layer))
  )

  it.effect("reports an undo the cloud refuses with its code, without retrying it", () =>
    Effect.gen(function* () {
      const undos = yield* Ref.make(0)
      const made = CloudStage.make({
        name: "createFloatingIp",
        result: Schema.String,
        run: (_: undefined) => Effect.succeed("fip-1"),
        compensate: () =>
          Effect.zipRight(
            Ref.update(undos, (n) => n + 1),
            Effect.fail(forbidden)
          )
      })
      const { stage: breaks } = yield* failing("createVolume", [overQuota])
      const taskId = crypto.randomUUID()
      const flow = Flow.make({
        type: "test.cloud.undo",
        params: Schema.Undefined,
        result: Schema.String,
        program: () => Effect.zipRight(Flow.stage(made, undefined), Flow.stage(breaks, undefined))
      })
      const fiber = yield* Effect.fork(runFlow(flow, { taskId, params: undefined }))
      yield* TestClock.adjust("10 minutes")
      const failed = failedWith(yield* Fiber.join(fiber))
      expect(failed.compensation.failed).toEqual([
        {
          path: "createFloatingIp",
          error: { code: ErrorCode.openstackForbidden, message: forbidden.message, stage: "createFloatingIp" }
        }
      ])
      expect(yield* Ref.get(undos)).toBe(1)
    }).pipe(Effect.provide(CheckpointsMemory.layer))
  )

  it.effect("an engine stage (no cloud describer) reports the same error as a plain stage failure", () =>
    Effect.gen(function* () {
      const plain = Stage.make({
        name: "plain",
        result: Schema.String,
        run: (_: undefined) => Effect.fail(overQuota)
      })
      const { outcome } = yield* run(plain)
      expect(failedWith(outcome).error).toEqual({
        code: ErrorCode.stageFailed,
        message: overQuota.message,
        stage: "plain"
      })
    }).pipe(Effect.provide(CheckpointsMemory.layer))
  )
})
