/**
 * Enamel upgraded while a task runs, against the real dev cloud. A `server.create` accepted at version 1
 * is stopped mid-flow (its checkpoint writes stop, as when its worker is killed) right after its boot
 * volume was made; it is resumed by a newer build whose version 2 renamed that stage (`createBootVolume`
 * → `createRootVolume`) and added another. The newer build runs the task with version 1, the version it
 * recorded: it finishes with one server, one volume, one port and one floating IP. The same checkpoints
 * resumed by version 2 would make a second volume, which is why a task keeps its version (shown too, and
 * cleaned up).
 */
import { describe, expect, layer } from "@effect/vitest"
import { type Ending, Flow, runFlow, runnable, TaskId, TaskType } from "@enamel/domain"
import { ServerCreate, ServerDelete } from "@enamel/domain/flows"
import { Nova } from "@enamel/openstack-clients"
import type { TaskRecord } from "@enamel/persistence"
import { DateTime, Effect, Exit, Schema } from "effect"
import { dyingStore } from "../../../test/support/dyingStore.js"
import * as Checkpoints from "../../domain/src/engine/flow/Checkpoints.js"
import { createBootVolume } from "../../domain/src/flows/server-create/blockStorage/createBootVolume.js"
import { waitVolumeAvailable } from "../../domain/src/flows/server-create/blockStorage/waitVolumeAvailable.js"
import { bootServer } from "../../domain/src/flows/server-create/compute/bootServer.js"
import { waitServerActive } from "../../domain/src/flows/server-create/compute/waitServerActive.js"
import { createFloatingIp } from "../../domain/src/flows/server-create/network/createFloatingIp.js"
import { createPort } from "../../domain/src/flows/server-create/network/createPort.js"
import { resolveRequest } from "../../domain/src/flows/server-create/v1/resolveRequest.js"
import {
  aliceCloud,
  fullServer,
  leftovers,
  newTask,
  nothingLeft,
  timeout,
  uniqueName
} from "../../domain/test/flows/support/devcloud.js"
import { cloudLayer } from "../../openstack-clients/test/support/cloud.js"
import { fromList, type TaskFlow, taskFlow } from "../src/TaskFlows.js"

/** Version 1's boot volume stage under a new name: a new path, so a resume would run it again. */
const createRootVolume = { ...createBootVolume, name: "createRootVolume" }

/** A stage version 2 added: reads the server back once it is ACTIVE. */
const confirmServer = { ...waitServerActive, name: "confirmServer" }

/**
 * Version 2 of `server.create` as a newer build might ship it, for requests of one server on one
 * network: the same stages at the same paths, but for the renamed one and the added one.
 */
const serverCreateV2 = Flow.make({
  type: ServerCreate.type,
  version: 2,
  params: ServerCreate.CreateServersRequestV1,
  result: Schema.Struct({ server_id: Schema.String, floating_ip_id: Schema.String }),
  stages: {
    resolveRequest,
    "server[]/createRootVolume": createRootVolume,
    "server[]/waitVolumeAvailable": waitVolumeAvailable,
    "server[]/network[]/createPort": createPort,
    "server[]/network[]/createFloatingIp": createFloatingIp,
    "server[]/bootServer": bootServer,
    "server[]/waitServerActive": waitServerActive,
    "server[]/confirmServer": confirmServer
  },
  program: (request) =>
    Effect.gen(function* () {
      const plan = yield* Flow.stage(resolveRequest, request)
      const [built] = yield* Flow.forEach(
        "server",
        [request.name],
        (name) =>
          Effect.gen(function* () {
            const network = plan.networks[0]
            const floatingNetworkId = network?.floating_network_id
            if (network === undefined || floatingNetworkId === undefined) {
              return yield* Effect.dieMessage("version 2 of this test takes one network with a floating IP")
            }
            const volume = yield* Flow.stage(createRootVolume, {
              serverName: name,
              source: { _tag: "image", image_id: plan.image_id },
              sizeGb: request.boot_volume?.size_gb ?? 1,
              volumeTypeId: plan.volume_type_id
            })
            yield* Flow.stage(waitVolumeAvailable, volume)
            const [port] = yield* Flow.forEach(
              "network",
              [network],
              (planned) => Flow.stage(createPort, { name: `${name}-port0`, network: planned }),
              { concurrency: 1 }
            )
            if (port === undefined) return yield* Effect.dieMessage("no port")
            const ip = yield* Flow.scoped("network[0]")(
              Flow.stage(createFloatingIp, { portId: port.id, networkId: floatingNetworkId })
            )
            const server = yield* Flow.stage(bootServer, {
              name,
              flavorId: plan.flavor_id,
              from: { volume: { id: volume.id, deleteOnTermination: true } },
              portIds: [port.id],
              keyName: undefined,
              userData: undefined,
              metadata: undefined,
              availabilityZone: undefined
            })
            yield* Flow.stage(waitServerActive, server)
            yield* Flow.stage(confirmServer, server)
            return { server_id: server.id, floating_ip_id: ip.id }
          }),
        { concurrency: 1 }
      )
      if (built === undefined) return yield* Effect.dieMessage("no server")
      return built
    })
})

/** Alice's session and the clients: what a worker gives the flow for her task. */
const environment = () => cloudLayer("alice")

const oldBuild = Effect.map(taskFlow(runnable(ServerCreate.flowV1), environment), (v1) => fromList([v1]))
const newBuild = Effect.map(
  Effect.all([
    taskFlow(runnable(serverCreateV2), environment),
    taskFlow(runnable(ServerCreate.flowV1), environment)
  ]),
  fromList
)

const encodeParams = Schema.encodeUnknownSync(ServerCreate.CreateServersRequestV1)

/** The task as the API stored it: alice's, accepted for `flowVersion`. */
const taskRecord = (id: string, flowVersion: number, params: unknown): TaskRecord => {
  const now = DateTime.unsafeNow()
  return {
    id: TaskId.make(id),
    type: TaskType.make(ServerCreate.type),
    flowVersion,
    state: "RUNNING",
    projectId: "alpha",
    userId: "alice",
    priority: 5,
    params,
    result: null,
    error: null,
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    endedAt: null,
    keyRef: null,
    requestHash: null,
    cancelRequestedAt: null,
    onFailure: "rollback",
    held: false,
    retries: 0
  }
}

const runWith = (flow: TaskFlow | undefined, task: TaskRecord) =>
  flow === undefined
    ? Effect.dieMessage(`no flow for ${task.type} v${task.flowVersion}`)
    : Effect.scoped(flow.run(task, Effect.never))

const succeededEnding = (ending: Ending) =>
  ending.state === "SUCCEEDED" ? Effect.succeed(ending) : Effect.dieMessage(`ended ${JSON.stringify(ending)}`)

const stoppedAfterBootVolume = (entry: {
  readonly phase: string
  readonly path: string
  readonly state: string
}) => entry.phase === "run" && entry.path === "server[0]/createBootVolume" && entry.state === "SUCCEEDED"

describe("a task accepted before an upgrade is resumed by the version it recorded", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "version 1 stopped after its boot volume, resumed by a build with version 2: no duplicate",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("upgrade")
          const taskId = yield* newTask([name])
          const task = taskRecord(taskId, 1, encodeParams(fullServer(name)))

          // The old build runs the task until its worker dies right after the boot volume was recorded.
          const dying = yield* dyingStore(stoppedAfterBootVolume, true)
          const stopped = yield* Effect.exit(
            runWith((yield* oldBuild).get(task.type, task.flowVersion), task).pipe(
              Effect.provideService(Checkpoints.Checkpoints, dying)
            )
          )
          expect(Exit.isInterrupted(stopped)).toBe(true)
          const before = yield* leftovers(taskId, [name])
          expect(before.volumes).toHaveLength(1)

          // The new build knows both versions and takes the one the task recorded.
          const upgraded = yield* newBuild
          expect(upgraded.versions(ServerCreate.type)).toEqual([2, 1])
          const ending = yield* succeededEnding(
            yield* runWith(upgraded.get(task.type, task.flowVersion), task)
          )
          const result = Schema.decodeUnknownSync(ServerCreate.CreateServersResult)(ending.result)
          const [server] = result.servers
          expect(result.servers).toHaveLength(1)
          const after = yield* leftovers(taskId, [name])
          expect(after.servers).toEqual([server?.id])
          expect(after.volumes).toEqual(before.volumes)
          expect(after.volumes).toEqual([server?.volume_id])
          expect(after.ports).toEqual(server?.ports.map((p) => p.id))
          expect(after.floating_ips).toEqual(server?.floating_ips.map((ip) => ip.id))
          expect((yield* Nova.getServer(server?.id ?? "")).status).toBe("ACTIVE")
          const paths = (yield* Effect.flatMap(Checkpoints.Checkpoints, (c) => c.timeline(taskId))).map(
            (e) => e.path
          )
          expect(paths).not.toContain("server[0]/createRootVolume")
          expect(paths).not.toContain("server[0]/confirmServer")

          // And deleting the server leaves nothing the task made.
          const deleted = yield* runFlow(ServerDelete.flow, {
            taskId: crypto.randomUUID(),
            params: { server_id: server?.id ?? "" }
          }).pipe(Effect.provide(environment()))
          expect(deleted._tag).toBe("Succeeded")
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
        }),
      { timeout: 240_000 }
    )

    it.scoped(
      "the same stop resumed by version 2 would make a second volume",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("upgrade")
          const taskId = yield* newTask([name])
          const task = taskRecord(taskId, 1, encodeParams(fullServer(name)))
          const dying = yield* dyingStore(stoppedAfterBootVolume, true)
          yield* Effect.exit(
            runWith((yield* oldBuild).get(task.type, 1), task).pipe(
              Effect.provideService(Checkpoints.Checkpoints, dying)
            )
          )
          // Resuming with the wrong version: its renamed stage is a new path, so it runs and creates again.
          yield* succeededEnding(yield* runWith((yield* newBuild).get(task.type, 2), task))
          expect((yield* leftovers(taskId, [name])).volumes).toHaveLength(2)
        }),
      { timeout: 240_000 }
    )

    it.scoped(
      "a task accepted after the upgrade runs version 2",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("upgrade")
          const taskId = yield* newTask([name])
          const task = taskRecord(taskId, 2, encodeParams(fullServer(name)))
          yield* succeededEnding(yield* runWith((yield* newBuild).get(task.type, task.flowVersion), task))
          const paths = (yield* Effect.flatMap(Checkpoints.Checkpoints, (c) => c.timeline(taskId))).map(
            (e) => e.path
          )
          expect(paths).toContain("server[0]/createRootVolume")
          expect(paths).toContain("server[0]/confirmServer")
          expect((yield* leftovers(taskId, [name])).volumes).toHaveLength(1)
        }),
      { timeout: 240_000 }
    )
  })
})
