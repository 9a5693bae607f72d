/**
 * `on_failure: "keep"` on the real server.create flow and the cloud double (issue #20): the task fails at
 * its last stage (the wait for the server, whose polls the double refuses once it starts); held, it keeps
 * what it made. Retried, it goes on from that stage: the stages before it are not run again and make
 * nothing twice. Rolled back, it leaves nothing of alice's.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerCreate } from "@enamel/domain/flows"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { aliceShape } from "./cloudShape.js"
import { makeWorld, runToEnd, succeeded, type World, writesOf } from "./harness.js"

const params = Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
  name: "kept",
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 1 },
  networks: [{ network: "private" }]
})

/** The last stage: once it starts, Nova refuses its polls (403: not retried, a definitive failure). */
const last = "server[0]/waitServerActive"
const refusePolls = {
  onStart: last,
  rule: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) } as const
}

/** The calls that make something in the cloud, as `service METHOD path`. */
const makes = (world: World) =>
  Effect.map(world.cloud.calls, (calls) =>
    calls
      .filter((c) => c.method === "POST" && c.service !== "keystone")
      .map((c) => `${c.service} ${c.method} ${c.path}`)
  )

/** Runs the task with keep until it is held at the last stage. */
const heldAtLast = (world: World, taskId: string) =>
  Effect.gen(function* () {
    const outcome = yield* runToEnd(
      world,
      ServerCreate.flow,
      { taskId, params, onFailure: "keep" },
      {
        armed: [refusePolls]
      }
    )
    expect(outcome._tag).toBe("Held")
    if (outcome._tag === "Held") expect(outcome.error.stage).toBe(last)
    yield* world.cloud.clearFaults
  })

describe("server.create with on_failure keep, on the cloud double", () => {
  it.live("held at its last stage, retried to SUCCEEDED: the earlier stages ran exactly once", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const taskId = crypto.randomUUID()
      yield* heldAtLast(world, taskId)
      const made = yield* makes(world)
      // Held: what it made is still there (a server, its boot volume and port).
      const kept = yield* aliceShape(world)
      expect(kept.servers).toHaveLength(1)
      expect(kept.volumes).toHaveLength(1)

      const result = yield* succeeded(
        yield* runToEnd(world, ServerCreate.flow, { taskId, params, onFailure: "keep", retries: 1 })
      )
      expect(result.servers.map((s) => s.name)).toEqual(["kept"])
      // Nothing was made again: the same POSTs as when it was held.
      expect(yield* makes(world)).toEqual(made)
      const after = yield* aliceShape(world)
      expect(after.servers).toHaveLength(1)
      expect([after.volumes.length, after.ports.length]).toEqual([kept.volumes.length, kept.ports.length])

      const runs = (yield* writesOf(world, taskId)).filter(
        (w) => w.phase === "run" && w.state !== "RUNNING" && w.state !== "RETRYING"
      )
      const attempts = (path: string) =>
        runs.filter((w) => w.path === path).map((w) => `${w.attempt}:${w.state}`)
      for (const path of new Set(runs.map((w) => w.path))) {
        if (path !== last)
          expect({ path, attempts: attempts(path) }).toEqual({ path, attempts: ["1:SUCCEEDED"] })
      }
      // The failed stage went on counting its attempts: the retry is its second.
      expect(attempts(last)).toEqual(["1:FAILED", "2:SUCCEEDED"])
      const flowEntries = (yield* writesOf(world, taskId)).filter(
        (w) => w.phase === "flow" && w.endedAt !== null
      )
      expect(flowEntries.map((w) => `${w.attempt}:${w.state}`)).toEqual(["1:HELD", "2:SUCCEEDED"])
    })
  )

  it.live("held at its last stage, rolled back: nothing of it is left in the cloud", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const baseline = yield* aliceShape(world)
      const taskId = crypto.randomUUID()
      yield* heldAtLast(world, taskId)
      expect(yield* aliceShape(world)).not.toEqual(baseline)
      const outcome = yield* runToEnd(world, ServerCreate.flow, {
        taskId,
        params,
        onFailure: "keep",
        rollingBack: true
      })
      expect(outcome._tag).toBe("RolledBack")
      if (outcome._tag === "RolledBack") expect(outcome.compensation.failed).toEqual([])
      expect(yield* aliceShape(world)).toEqual(baseline)
    })
  )
})
