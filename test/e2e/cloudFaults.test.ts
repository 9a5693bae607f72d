/**
 * The cloud says no, through the whole product (POST /servers, the user's key, a worker running the
 * task): a server that goes to ERROR, Cinder over quota, Neutron out of addresses. Each task ends FAILED
 * with the cause and the stage it met it in, what it had made is undone, and the project holds nothing
 * afterwards. Cinder's volume quota is read by the first stage, so that task fails before anything is made. The faults are real, in a throw-away project and user (alice's project is shared by
 * tests running in parallel): its volume quota is 0, one of its networks has a single address to give,
 * and a flavor asks for more disk than any host has.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Cinder, Neutron, Nova, Session, type SessionShape, Sessions } from "@enamel/openstack-clients"
import { Context, Duration, Effect, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import { serverNames } from "../../packages/domain/src/flows/server-create/plan.js"
import { leftovers, nothingLeft } from "../../packages/domain/test/flows/support/devcloud.js"
import { Admin } from "../../packages/openstack-clients/test/support/admin.js"
import {
  sessionOptions,
  testSettings,
  uniqueName
} from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import {
  call,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  inProcessWorkerSettings,
  type TaskBody,
  tokenOf
} from "./enamel.js"

const namespace = uniqueName("faults")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

/** The throw-away project the faults happen in, as its one member sees it. */
class FaultyProject extends Context.Tag("test/FaultyProject")<
  FaultyProject,
  {
    readonly member: SessionShape
    /** A network with room (10.9.1.0/24). */
    readonly roomy: string
    /** A network with one address to give. */
    readonly tiny: string
    /** A flavor no host can take (10,000 TB of root disk). */
    readonly hugeFlavor: string
  }
>() {}

const FaultyProjectLive = Layer.scoped(
  FaultyProject,
  Effect.gen(function* () {
    const admin = yield* Admin
    const project = yield* admin.throwawayProject
    yield* admin.setQuotas(project.projectId, { volumes: 0 })
    const roomy = yield* admin.network(project.projectId, {
      cidr: "10.9.1.0/24",
      first: "10.9.1.10",
      last: "10.9.1.200"
    })
    const tiny = yield* admin.network(project.projectId, {
      cidr: "10.9.2.0/29",
      first: "10.9.2.2",
      last: "10.9.2.2"
    })
    const hugeFlavor = yield* admin.flavor({ disk: 10_000_000 })
    const member = yield* Sessions.make(sessionOptions(project.profile))
    // Closed before the project and user go: the key this test's API made for the member.
    yield* deleteUserKeysAtEnd(member)
    return { member, roomy: roomy.name, tiny: tiny.name, hugeFlavor }
  })
)

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(inProcessWorkerSettings(namespace))
)
const live = Layer.provideMerge(FaultyProjectLive, Layer.provideMerge(Admin.Default, Enamel))

/** What a failed task shows: its state, its error, and the report of its undos. */
const FailedTask = Schema.Struct({
  state: Schema.String,
  error: Schema.NullOr(
    Schema.Struct({ code: Schema.String, message: Schema.String, stage: Schema.optional(Schema.String) })
  ),
  result: Schema.NullOr(
    Schema.Struct({ compensation: Schema.Struct({ failed: Schema.Array(Schema.Unknown) }) })
  ),
  timeline: Schema.Array(Schema.Struct({ stage: Schema.String, phase: Schema.String, state: Schema.String }))
})

/** POST /servers as the project's member, and the task once it ended. */
const runTask = (request: { readonly name: string; readonly count?: number } & Record<string, unknown>) =>
  Effect.gen(function* () {
    const { member } = yield* FaultyProject
    const accepted = yield* call("POST", "/servers", yield* tokenOf(member), request)
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202)
    const taskId = (accepted.body as TaskBody).task.id
    const task = yield* Effect.orDie(Schema.decodeUnknown(FailedTask)(yield* finished(taskId, member)))
    return { taskId, task, names: serverNames(request.name, request.count ?? 1) }
  })

/**
 * Nothing left: neither what carries the task's marks or names, nor anything else in the project (no
 * server, no volume, no port but the network's own).
 */
const expectNothingLeft = (taskId: string, names: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { member } = yield* FaultyProject
    const asMember = Effect.provide(Layer.merge(Layer.succeed(Session, member), testSettings))
    expect(yield* asMember(leftovers(taskId, names))).toEqual(nothingLeft)
    const [servers, volumes, ports] = yield* asMember(
      Effect.all([Nova.listServers(), Cinder.listVolumes(), Neutron.listPorts()], { concurrency: 3 })
    )
    expect(servers).toEqual([])
    expect(volumes).toEqual([])
    expect(ports.filter((p) => !p.deviceOwner.startsWith("network:"))).toEqual([])
  })

describe("cloud faults end a task FAILED with their cause, leaving nothing", () => {
  layer(live, { timeout: Duration.minutes(2), excludeTestServices: true })((it) => {
    it.scoped(
      "a server that goes to ERROR: FAILED in waitServerActive with Nova's fault",
      () =>
        Effect.gen(function* () {
          const { roomy, hugeFlavor } = yield* FaultyProject
          const { taskId, task, names } = yield* runTask({
            name: uniqueName("error"),
            image: "tiny",
            flavor: hugeFlavor,
            networks: [{ network: roomy }]
          })
          expect(task.state).toBe("FAILED")
          expect(task.error).toMatchObject({
            code: "openstack.resource_failed",
            stage: "server[0]/waitServerActive",
            message: expect.stringMatching(/No valid host/)
          })
          expect(task.result?.compensation.failed).toEqual([])
          yield* expectNothingLeft(taskId, names)
        }),
      { timeout: 120_000 }
    )

    it.scoped(
      "Cinder over quota: FAILED in resolveRequest with volume.over_quota, read from Cinder's limits; nothing made",
      () =>
        Effect.gen(function* () {
          const { roomy } = yield* FaultyProject
          const { taskId, task, names } = yield* runTask({
            name: uniqueName("quota"),
            image: "tiny",
            flavor: "m1.tiny",
            boot_volume: { size_gb: 1 },
            networks: [{ network: roomy }]
          })
          expect(task.state).toBe("FAILED")
          expect(task.error).toMatchObject({
            code: "volume.over_quota",
            stage: "resolveRequest",
            message: expect.stringContaining("the request makes 1 new volume and the project has 0 left")
          })
          expect(task.timeline.map((entry) => entry.stage)).not.toContain("server[0]/createBootVolume")
          expect(task.result?.compensation.failed).toEqual([])
          yield* expectNothingLeft(taskId, names)
        }),
      { timeout: 120_000 }
    )

    it.scoped(
      "Neutron out of addresses: FAILED in createPort with Neutron's words; what the other server got is undone",
      () =>
        Effect.gen(function* () {
          const { tiny } = yield* FaultyProject
          const { taskId, task, names } = yield* runTask({
            name: uniqueName("noaddr"),
            count: 2,
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: tiny }]
          })
          expect(task.state).toBe("FAILED")
          expect(task.error).toMatchObject({
            code: "openstack.conflict",
            stage: expect.stringMatching(/^server\[\d\]\/network\[0\]\/createPort$/),
            message: expect.stringMatching(/No more IP addresses/)
          })
          expect(task.result?.compensation.failed).toEqual([])
          // A full subnet stays full: the port is tried once, not retried as a passing conflict.
          const portAttempts = task.timeline.filter((e) => e.phase === "run" && e.stage === task.error?.stage)
          expect(portAttempts.map((e) => e.state)).toEqual(["FAILED"])
          yield* expectNothingLeft(taskId, names)
        }),
      { timeout: 120_000 }
    )
  })
})
