/**
 * `server.resize`, run for real on the cloud double as alice, on `web` (made by server.create, booted
 * from a volume, on m1.tiny): a resize to m1.small that ends ACTIVE, one of a stopped server that ends
 * SHUTOFF, refusals at checkRequest (among them a flavor name two flavors share), a failure at each stage
 * up to the confirm reverting to m1.tiny, and a crash at each stage then a resume that resizes once.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerResize } from "@enamel/domain/flows"
import { Nova } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
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
import { asAlice, buildWeb } from "./volumeFixtures.js"

const resizeTask = (serverId: string, flavor = "m1.small") => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(ServerResize.ResizeServerRequest)({ flavor, server_id: serverId })
})

const checklist: Checklist = [
  ["checkRequest", []],
  ["requestResize", ["checkRequest"]],
  ["waitResizeVerify", ["requestResize"]],
  ["confirmResize", ["waitResizeVerify"]],
  ["waitResized", ["confirmResize"]]
]

const action: Fault.CallPattern = { service: "nova", method: "POST", path: "/servers/*/action" }

/** The server as alice sees it: status, task state, flavor. */
const serverOf = (world: World, serverId: string) =>
  Effect.map(asAlice(world, Nova.getServer(serverId)), (server) => ({
    status: server.status,
    taskState: server.taskState,
    flavor: server.flavor?.originalName
  }))

/** How many resizes of the server reached the cloud. */
const resizesAsked = (world: World) =>
  Effect.map(
    world.cloud.calls,
    (calls) =>
      calls.filter(
        (c) =>
          c.landed &&
          c.path.endsWith("/action") &&
          typeof c.json === "object" &&
          c.json !== null &&
          "resize" in c.json
      ).length
  )

/** A failure at each stage up to the confirm, in the cloud's own words, and the undos it runs. */
const failures: ReadonlyArray<{
  readonly stage: string
  readonly rule: Fault.FaultRule
  readonly undos: ReadonlyArray<string>
}> = [
  {
    stage: "checkRequest",
    rule: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) },
    undos: []
  },
  { stage: "requestResize", rule: { ...action, nth: 1, answer: Fault.status(403) }, undos: [] },
  {
    stage: "waitResizeVerify",
    rule: { ...action, nth: 1, answer: Fault.errorState("No valid host was found.") },
    undos: ["requestResize"]
  },
  { stage: "confirmResize", rule: { ...action, nth: 2, answer: Fault.status(403) }, undos: ["requestResize"] }
]

/** Where a resize dies: with each stage in doubt, and right after the calls that change the server. */
const crashes: ReadonlyArray<CrashCase> = [
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "checkRequest" })),
  crashCase(() => ({ _tag: "StageStarted", path: "requestResize" })),
  crashCase(() => ({ _tag: "CallLanded", path: "requestResize", call: { ...action, nth: 1 } })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "requestResize" })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitResizeVerify" })),
  crashCase(() => ({ _tag: "CallLanded", path: "confirmResize", call: { ...action, nth: 2 } })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "confirmResize" })),
  crashCase(() => ({ _tag: "OutcomeUnrecorded", path: "waitResized" }))
]

describe("server.resize's checklist on the cloud double", () => {
  it.live("m1.tiny → m1.small: resized, confirmed, ACTIVE on m1.small; the result names both flavors", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* buildWeb(world)
      const seeded = yield* world.cloud.seeded
      const task = resizeTask(web.serverId)
      const result = yield* succeeded(yield* runToEnd(world, ServerResize.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), checklist)
      expect(result).toEqual({
        server_id: web.serverId,
        flavor: { id: seeded.flavors["m1.small"], name: "m1.small" },
        previous_flavor: { id: seeded.flavors["m1.tiny"], name: "m1.tiny" }
      })
      expect(yield* serverOf(world, web.serverId)).toEqual({
        status: "ACTIVE",
        taskState: null,
        flavor: "m1.small"
      })
      expect(yield* resizesAsked(world)).toBe(1)
    })
  )

  it.live("a stopped server, by the flavor's id: ends SHUTOFF on the new flavor", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const web = yield* buildWeb(world)
      yield* asAlice(
        world,
        Effect.zipRight(
          Nova.stopServer(web.serverId),
          Nova.waitForServer(web.serverId, { target: "SHUTOFF", done: (s) => s.status === "SHUTOFF" })
        )
      )
      const small = (yield* world.cloud.seeded).flavors["m1.small"] ?? ""
      yield* succeeded(yield* runToEnd(world, ServerResize.flow, resizeTask(web.serverId, small)))
      expect(yield* serverOf(world, web.serverId)).toEqual({
        status: "SHUTOFF",
        taskState: null,
        flavor: "m1.small"
      })
    })
  )

  it.live(
    "the flavor it has, a flavor that does not exist, a name two flavors have, a server that does not: refused at checkRequest",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* buildWeb(world)
        const same = yield* failed(
          yield* runToEnd(world, ServerResize.flow, resizeTask(web.serverId, "m1.tiny"))
        )
        expect(same.error).toMatchObject({ code: "server.flavor_unchanged", stage: "checkRequest" })
        expect(same.error.message).toContain("m1.tiny")
        const none = yield* failed(
          yield* runToEnd(world, ServerResize.flow, resizeTask(web.serverId, "m9.huge"))
        )
        expect(none.error).toMatchObject({ code: "flavor.not_found", stage: "checkRequest" })
        expect(none.error.message).toContain("m9.huge")
        // Nova lets two flavors share a name; the name then says neither, and only an id would.
        yield* Effect.repeatN(world.cloud.addFlavor({ name: "m1.twin", vcpus: 1, ram: 1024, disk: 2 }), 1)
        const twins = yield* failed(
          yield* runToEnd(world, ServerResize.flow, resizeTask(web.serverId, "m1.twin"))
        )
        expect(twins.error).toMatchObject({ code: "flavor.ambiguous", stage: "checkRequest" })
        expect(twins.error.message).toContain("m1.twin")
        const missing = yield* failed(
          yield* runToEnd(world, ServerResize.flow, resizeTask(crypto.randomUUID()))
        )
        expect(missing.error).toMatchObject({ code: "server.not_found", stage: "checkRequest" })
        expect(yield* resizesAsked(world)).toBe(0)
        expect(yield* serverOf(world, web.serverId)).toEqual({
          status: "ACTIVE",
          taskState: null,
          flavor: "m1.tiny"
        })
      })
  )

  for (const { stage, rule, undos } of failures) {
    it.live(`a failure at ${stage}: the task fails there, and web is ACTIVE on m1.tiny again`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* buildWeb(world)
        yield* world.cloud.inject(rule)
        const task = resizeTask(web.serverId)
        const outcome = yield* failed(yield* runToEnd(world, ServerResize.flow, task))
        expect(outcome.error.stage).toBe(stage)
        expect(outcome.compensation.failed).toEqual([])
        expect(undoOrder(yield* writesOf(world, task.taskId))).toEqual(undos)
        yield* world.cloud.clearFaults
        expect(yield* serverOf(world, web.serverId)).toEqual({
          status: "ACTIVE",
          taskState: null,
          flavor: "m1.tiny"
        })
      })
    )
  }

  it.live(
    "Nova busy (409) at the resize and the confirm: waited out, resized once (the refused call never landed)",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* buildWeb(world)
        const busy = Fault.status(
          409,
          `Cannot 'resize' instance ${web.serverId} while it is in task_state attaching`
        )
        const first = yield* world.cloud.inject({ ...action, nth: 1, answer: busy })
        const confirm = yield* world.cloud.inject({ ...action, nth: 3, answer: busy })
        yield* succeeded(yield* runToEnd(world, ServerResize.flow, resizeTask(web.serverId)))
        expect([yield* first.fired, yield* confirm.fired]).toEqual([1, 1])
        expect(yield* resizesAsked(world)).toBe(1)
        expect(yield* serverOf(world, web.serverId)).toEqual({
          status: "ACTIVE",
          taskState: null,
          flavor: "m1.small"
        })
      })
  )

  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: resized once, ACTIVE on m1.small`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const web = yield* buildWeb(world)
        const task = resizeTask(web.serverId)
        yield* crashed(yield* runProcess(world, ServerResize.flow, task, { crash: crash.at(task.taskId) }))
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, ServerResize.flow, task))
        expect(result.flavor.name).toBe("m1.small")
        expect(yield* resizesAsked(world)).toBe(1)
        expect(yield* serverOf(world, web.serverId)).toEqual({
          status: "ACTIVE",
          taskState: null,
          flavor: "m1.small"
        })
      })
    )
  }
})
