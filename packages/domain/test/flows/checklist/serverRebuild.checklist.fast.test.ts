/**
 * `server.rebuild` run for real on the cloud double as alice, on `web` (made by server.create, booted from
 * a volume). The double offers Nova 2.93 and Cinder 3.70, as the dev cloud does, so the flow takes the
 * `rebuild` path: a clean run, a definitive failure at every stage (nothing to undo: the server is left as
 * it was, or rebuilt and running), and a crash at every stage then a resume that ends the same, with one
 * rebuild asked of Nova.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerRebuild } from "@enamel/domain/flows"
import { microversionAtLeast } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { aliceShape } from "./cloudShape.js"
import {
  type CrashCase,
  crashCase,
  crashed,
  failed,
  makeWorld,
  restartDelay,
  runProcess,
  runToEnd,
  succeeded,
  type World,
  writesOf
} from "./harness.js"
import { type Checklist, expectChecklist, undoOrder } from "./timeline.js"
import { buildWeb } from "./volumeFixtures.js"

const rebuildTask = (serverId: string, body: Record<string, unknown> = { image: "tiny" }) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerRebuild.RebuildRequest)({ ...body, server_id: serverId })
})

const checklist: Checklist = [
  ["checkRequest", []],
  ["rebuildServer", ["checkRequest"]],
  ["waitServerRebuilt", ["rebuildServer"]]
]
const stages = checklist.map(([stage]) => stage)

const rebuildCall: Fault.CallPattern = { service: "nova", method: "POST", path: "/servers/*/action" }

/** For each stage, a definitive failure at it, in the cloud's own words. */
const failureAt: Record<string, { readonly rule: Fault.FaultRule; readonly armedAt?: string }> = {
  checkRequest: { rule: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) } },
  rebuildServer: { rule: { ...rebuildCall, answer: Fault.status(403) } },
  waitServerRebuilt: {
    rule: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) },
    armedAt: "waitServerRebuilt"
  }
}

const crashes: ReadonlyArray<CrashCase> = [
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "checkRequest" })),
  crashCase(() => ({ _tag: "StageStarted", path: "rebuildServer" })),
  crashCase(() => ({ _tag: "CallLanded", path: "rebuildServer", call: rebuildCall })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "rebuildServer" })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitServerRebuilt" }))
]

/** web, and alice's project as it is with web built. */
const setUp = (world: World) =>
  Effect.gen(function* () {
    const web = yield* buildWeb(world)
    return { ...web, baseline: yield* aliceShape(world) }
  })

/**
 * alice's project after web's rebuild: as before it, but for the rebuild stage's token that the rebuild
 * put in web's metadata (by which a resumed stage knows Nova took its rebuild).
 */
const rebuilt = (baseline: Effect.Effect.Success<ReturnType<typeof aliceShape>>) => ({
  ...baseline,
  servers: baseline.servers.map((server) =>
    server.startsWith("web ") ? `${server},enamel_rebuild_token=enamel-<task>-rebuildServer` : server
  )
})

/** The rebuild calls that reached the cloud, with the image and microversion each asked for. */
const rebuildsLanded = (world: World) =>
  Effect.map(world.cloud.calls, (calls) =>
    calls
      .filter((c) => c.service === "nova" && c.method === "POST" && c.path.endsWith("/action") && c.landed)
      .map((c) => ({ json: c.json, microversion: c.microversion }))
  )

describe("server.rebuild's checklist on the cloud double (the rebuild path)", () => {
  it("the path is Nova's rebuild only from compute 2.93 and volume 3.68 on", () => {
    expect(microversionAtLeast("2.93", "2.93")).toBe(true)
    expect(microversionAtLeast("2.92", "2.93")).toBe(false)
    expect(microversionAtLeast("3.70", "3.68")).toBe(true)
    expect(microversionAtLeast("3.67", "3.68")).toBe(false)
    expect(microversionAtLeast(undefined, "2.93")).toBe(false)
  })

  it.live("web rebuilt from tiny: one rebuild at 2.93, the same server, volume and ports; the result", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const tiny = (yield* world.cloud.seeded).images.tiny
      const task = rebuildTask(web.serverId)
      const result = yield* succeeded(yield* runToEnd(world, ServerRebuild.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), checklist)
      expect(result).toEqual({ server_id: web.serverId, path: "rebuild", boot_volume_id: web.bootVolumeId })
      expect(yield* rebuildsLanded(world)).toEqual([
        {
          json: {
            rebuild: {
              imageRef: tiny,
              // web's own metadata, and the mark that says this stage's rebuild was taken
              metadata: {
                enamel_token: expect.stringMatching(/-server\[0\]\/bootServer$/),
                enamel_rebuild_token: `enamel-${task.taskId}-rebuildServer`
              }
            }
          },
          microversion: "compute 2.93"
        }
      ])
      expect(yield* aliceShape(world)).toEqual(rebuilt(web.baseline))
    })
  )

  it.live("an image that does not exist: the task fails at checkRequest naming it, and changes nothing", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* setUp(world)
      const task = rebuildTask(web.serverId, { image: "no-such-image" })
      const outcome = yield* failed(yield* runToEnd(world, ServerRebuild.flow, task))
      expect(outcome.error).toMatchObject({ code: "image.not_found", stage: "checkRequest" })
      expect(outcome.error.message).toBe("image no-such-image not found")
      expect(yield* rebuildsLanded(world)).toEqual([])
      expect(yield* aliceShape(world)).toEqual(web.baseline)
    })
  )

  for (const path of stages) {
    it.live(`a failure at ${path}: the task fails there, nothing to undo, web as it was`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const failure = failureAt[path]
        if (failure === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
        if (failure.armedAt === undefined) yield* world.cloud.inject(failure.rule)
        const task = rebuildTask(web.serverId)
        const armed = failure.armedAt === undefined ? [] : [{ onStart: failure.armedAt, rule: failure.rule }]
        const outcome = yield* failed(yield* runToEnd(world, ServerRebuild.flow, task, { armed }))
        expect(outcome.error.stage).toBe(path)
        expect(outcome.compensation.failed).toEqual([])
        expect(undoOrder(yield* writesOf(world, task.taskId))).toEqual([])
        yield* world.cloud.clearFaults
        const landed = path === "waitServerRebuilt"
        expect((yield* rebuildsLanded(world)).length).toBe(landed ? 1 : 0)
        expect(yield* aliceShape(world)).toEqual(landed ? rebuilt(web.baseline) : web.baseline)
      })
    )
  }

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: web rebuilt once, the same server, volume and ports`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* setUp(world)
        const task = rebuildTask(web.serverId)
        yield* crashed(yield* runProcess(world, ServerRebuild.flow, task, { crash: crash.at(task.taskId) }))
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, ServerRebuild.flow, task))
        expect(result).toEqual({ server_id: web.serverId, path: "rebuild", boot_volume_id: web.bootVolumeId })
        // Once, also when the crash came after Nova took the rebuild: the resumed stage finds its token.
        expect((yield* rebuildsLanded(world)).length).toBe(1)
        expect(yield* aliceShape(world)).toEqual(rebuilt(web.baseline))
      })
    )
  }
})
