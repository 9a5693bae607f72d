/**
 * `server.delete`'s checklist, run for real on the cloud double as alice, on the first of two servers
 * `server.create` made (boot volumes kept on termination, so that the flow deletes them itself). A clean
 * run; a definitive failure at every stage, after which a second task finishes the job; a crash at every
 * stage, then a resume.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerCreate, ServerDelete } from "@enamel/domain/flows"
import { Fault } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import { aliceShape, onlyKeypairs } from "./cloudShape.js"
import { built, createRequest, deleteServers } from "./fixtures.js"
import {
  type ArmedFault,
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

/** Every stage, and the stages that must be done before it starts. */
const checklist: Checklist = [
  ["findOwnedResources", []],
  ["findBackupSets", ["findOwnedResources"]],
  ["deleteFloatingIps", ["findBackupSets"]],
  ["deleteServer", ["findBackupSets"]],
  ["waitServerDeleted", ["deleteServer"]],
  ["deletePorts", ["deleteFloatingIps", "waitServerDeleted"]],
  ["waitVolumesDeletable", ["deleteFloatingIps", "waitServerDeleted"]],
  ["deleteVolumes", ["waitVolumesDeletable"]],
  ["waitVolumesDeleted", ["deleteVolumes"]]
]
const stages = checklist.map(([stage]) => stage)

/** Builds web-1 and web-2 (volumes not deleted with their servers) and returns what was made. */
const setUp = (world: World) =>
  Effect.gen(function* () {
    const params = createRequest({ delete_on_termination: false })
    const made = yield* runToEnd(world, ServerCreate.flow, { taskId: crypto.randomUUID(), params })
    const [web1, web2] = (yield* succeeded(made)).servers
    if (web1 === undefined || web2 === undefined)
      return yield* Effect.dieMessage("server.create made no servers")
    return { web1, web2 }
  })

type Made = Effect.Effect.Success<ReturnType<typeof setUp>>

/** What deleting web-1 finds and removes. */
const expectedResult = ({ web1 }: Made) => ({
  server_id: web1.id,
  floating_ip_ids: web1.floating_ips.map((ip) => ip.id),
  port_ids: web1.ports.map((p) => p.id).sort(),
  volume_ids: [web1.volume_id],
  backup_ids: []
})

const sortedPorts = <A extends { readonly port_ids: ReadonlyArray<string> }>(result: A) => ({
  ...result,
  port_ids: [...result.port_ids].sort()
})

/** For each stage, a definitive failure at it: the cloud refuses its calls (a wait's, once it started). */
const failureAt: Record<string, { readonly rule: Fault.FaultRule; readonly once?: "started" }> = {
  findOwnedResources: {
    rule: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) }
  },
  findBackupSets: {
    rule: { service: "cinder", method: "GET", path: "/snapshots/detail", answer: Fault.status(403) }
  },
  deleteFloatingIps: {
    rule: { service: "neutron", method: "DELETE", path: "/floatingips/*", answer: Fault.status(403) }
  },
  deleteServer: {
    rule: { service: "nova", method: "DELETE", path: "/servers/*", answer: Fault.status(403) }
  },
  waitServerDeleted: {
    rule: { service: "nova", method: "GET", path: "/servers/*", answer: Fault.status(403) },
    once: "started"
  },
  deletePorts: {
    rule: { service: "neutron", method: "DELETE", path: "/ports/*", answer: Fault.status(403) }
  },
  waitVolumesDeletable: {
    rule: { service: "cinder", method: "GET", path: "/volumes/*", answer: Fault.status(403) },
    once: "started"
  },
  deleteVolumes: {
    rule: { service: "cinder", method: "DELETE", path: "/volumes/*", answer: Fault.status(403) }
  },
  waitVolumesDeleted: {
    rule: { service: "cinder", method: "GET", path: "/volumes/*", answer: Fault.status(403) },
    once: "started"
  }
}

/** The call by which a stage deletes something: a crash right after it landed leaves the stage in doubt. */
const deleteCalls: Record<string, Fault.CallPattern & { readonly nth?: number }> = {
  deleteFloatingIps: { service: "neutron", method: "DELETE", path: "/floatingips/*" },
  deleteServer: { service: "nova", method: "DELETE", path: "/servers/*" },
  deletePorts: { service: "neutron", method: "DELETE", path: "/ports/*", nth: 1 },
  deleteVolumes: { service: "cinder", method: "DELETE", path: "/volumes/*" }
}

/**
 * Where the process dies: at every stage with the stage in doubt (right after its delete reached the
 * cloud, or, for a stage that only looks or waits, once it finished but before its outcome was stored);
 * and right after each deleting stage started.
 */
const crashes: ReadonlyArray<CrashCase> = stages.flatMap((path) => {
  const call = deleteCalls[path]
  return call === undefined
    ? [crashCase(() => ({ _tag: "OutcomeUnrecorded", path }))]
    : [
        crashCase(() => ({ _tag: "StageStarted", path })),
        crashCase(() => ({ _tag: "CallLanded", path, call }))
      ]
})

/** The stages whose failure leaves web-1 itself in place. */
const stillThere = new Set(["findOwnedResources", "findBackupSets", "deleteServer"])

/** Runs the task with the failure declared for the stage. */
const failAt = (world: World, path: string, task: ReturnType<typeof deleteTask>) =>
  Effect.gen(function* () {
    const failure = failureAt[path]
    if (failure === undefined) return yield* Effect.dieMessage(`no failure declared for ${path}`)
    if (failure.once === undefined) yield* world.cloud.inject(failure.rule)
    const armed: ReadonlyArray<ArmedFault> =
      failure.once === "started" ? [{ onStart: path, rule: failure.rule }] : []
    return yield* runToEnd(world, ServerDelete.flow, task, { armed })
  })

const deleteTask = (made: Made) => ({ taskId: crypto.randomUUID(), params: { server_id: made.web1.id } })

describe("server.delete's checklist on the cloud double", () => {
  it.live("a clean run goes down the checklist and removes the server and what was made for it", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const made = yield* setUp(world)
      const task = deleteTask(made)
      const result = yield* succeeded(yield* runToEnd(world, ServerDelete.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), checklist)
      expect(sortedPorts(result)).toEqual(expectedResult(made))
      expect(yield* aliceShape(world)).toEqual(built([2]))
    })
  )

  it.live("a server that does not exist: the task fails at findOwnedResources and changes nothing", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      yield* setUp(world)
      const params = { server_id: crypto.randomUUID() }
      const outcome = yield* failed(
        yield* runToEnd(world, ServerDelete.flow, { taskId: crypto.randomUUID(), params })
      )
      expect(outcome.error).toMatchObject({ code: "server.not_found", stage: "findOwnedResources" })
      expect(yield* aliceShape(world)).toEqual(built([1, 2]))
    })
  )

  for (const path of stages) {
    it.live(`a failure at ${path}: the task fails there, undoes nothing, and leaves web-2 alone`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const made = yield* setUp(world)
        const task = deleteTask(made)
        const outcome = yield* failed(yield* failAt(world, path, task))
        expect(outcome.error.stage).toBe(path)
        expect(outcome.compensation).toEqual({ compensated: [], failed: [] })
        expect(undoOrder(yield* writesOf(world, task.taskId))).toEqual([])
        const left = yield* aliceShape(world)
        const web2 = built([2])
        expect(left.servers).toEqual(expect.arrayContaining([...web2.servers]))
        expect(left.volumes).toEqual(expect.arrayContaining([...web2.volumes]))
        expect(left.ports).toEqual(expect.arrayContaining([...web2.ports]))
        expect(left.floatingIps).toEqual(expect.arrayContaining([...web2.floatingIps]))

        // While web-1 exists, asking again (a second task) finishes the job.
        if (!stillThere.has(path)) return
        yield* world.cloud.clearFaults
        const again = yield* succeeded(yield* runToEnd(world, ServerDelete.flow, deleteTask(made)))
        expect(again.server_id).toBe(made.web1.id)
        expect(yield* aliceShape(world)).toEqual(built([2]))
      })
    )
  }

  // A known defect, kept visible: once Nova has deleted the server, a server.delete that failed later
  // leaves its ports (and here its volume) behind, and no server.delete can remove them: the next one fails
  // at findOwnedResources with server.not_found (the API's admission answers 404 before that), because
  // the server's tags were the only way to what was made for it. `fails`: this passes once that is fixed.
  it.live.fails(
    "known defect: after a failure at deletePorts, a second server.delete removes what is left",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const made = yield* setUp(world)
        yield* failed(yield* failAt(world, "deletePorts", deleteTask(made)))
        yield* world.cloud.clearFaults
        yield* succeeded(yield* runToEnd(world, ServerDelete.flow, deleteTask(made)))
        expect(yield* aliceShape(world)).toEqual(built([2]))
      })
  )

  for (const crash of crashes) {
    it.live(
      `a crash ${crash.name}, then a resume: web-1 is gone, web-2 untouched, then nothing is left`,
      () =>
        Effect.gen(function* () {
          const world = yield* makeWorld()
          const made = yield* setUp(world)
          const task = deleteTask(made)
          yield* crashed(yield* runProcess(world, ServerDelete.flow, task, { crash: crash.at(task.taskId) }))
          yield* world.pass(restartDelay)

          const result = yield* succeeded(yield* runToEnd(world, ServerDelete.flow, task))
          expect(sortedPorts(result)).toEqual(expectedResult(made))
          expect(yield* aliceShape(world)).toEqual(built([2]))
          yield* deleteServers(world, [made.web2.id])
          expect(yield* aliceShape(world)).toEqual(onlyKeypairs(built([]).keypairs))
        })
    )
  }
})
