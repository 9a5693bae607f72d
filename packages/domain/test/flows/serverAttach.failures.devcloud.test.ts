/**
 * The floating IP and interface attach flows failing at each stage, the first change of each detach flow
 * refused, and a cancel of a running volume or interface attach, against the real dev cloud. A failure or
 * a cancel leaves nothing the task made and the server as it was; a refused detach changes nothing, and
 * asking again finishes it. Failures are injected by a transport that refuses one call.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Neutron, Nova, type Session } from "@enamel/openstack-clients"
import { Deferred, Effect } from "effect"
import type { CheckpointError } from "../../src/engine/errors.js"
import * as Checkpoints from "../../src/engine/flow/Checkpoints.js"
import type { FlowOutcome } from "../../src/engine/flow/FlowOutcome.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerFloatingIpAttach from "../../src/flows/server-floating-ip-attach/index.js"
import * as ServerFloatingIpDetach from "../../src/flows/server-floating-ip-detach/index.js"
import * as ServerInterfaceAttach from "../../src/flows/server-interface-attach/index.js"
import * as ServerInterfaceDetach from "../../src/flows/server-interface-detach/index.js"
import * as ServerVolumeAttach from "../../src/flows/server-volume-attach/index.js"
import * as ServerVolumeDetach from "../../src/flows/server-volume-detach/index.js"
import { aServer, floatingIpParams, interfaceParams, refuse, uuid, volumeParams } from "./support/attach.js"
import {
  aliceCloud,
  type Fault,
  faultyCloud,
  leftovers,
  newTask,
  nothingLeft,
  timeout
} from "./support/devcloud.js"
import { failed, states, succeeded, timeline, watching } from "./support/expectations.js"

/** The server's ports and floating IPs, to compare before and after. */
const serverState = (serverId: string) =>
  Effect.gen(function* () {
    const ports = (yield* Nova.listInterfaces(serverId)).map((i) => i.portId).sort()
    const ips = yield* Neutron.listFloatingIps()
    return { ports, floatingIps: ips.filter((ip) => ip.portId !== null && ports.includes(ip.portId)).length }
  })

const attachFaults: ReadonlyArray<{
  readonly flow: "floating_ip" | "interface"
  readonly stage: string
  readonly fault: Fault
}> = [
  { flow: "floating_ip", stage: "checkRequest", fault: refuse("GET", new RegExp(`/servers/${uuid}$`), 403) },
  { flow: "floating_ip", stage: "createFloatingIp", fault: refuse("POST", /\/floatingips$/) },
  {
    // Made, then tagging fails: the client releases it again, nothing untagged stays.
    flow: "floating_ip",
    stage: "createFloatingIp",
    fault: refuse("PUT", new RegExp(`/floatingips/${uuid}/tags$`))
  },
  { flow: "interface", stage: "checkRequest", fault: refuse("GET", new RegExp(`/servers/${uuid}$`), 403) },
  { flow: "interface", stage: "createPort", fault: refuse("POST", /\/v2\.0\/ports$/) },
  { flow: "interface", stage: "createPort", fault: refuse("PUT", new RegExp(`/ports/${uuid}/tags$`)) },
  { flow: "interface", stage: "attachInterface", fault: refuse("POST", /\/os-interface$/) },
  // The port is attached when the floating IP fails: detached and deleted again.
  { flow: "interface", stage: "createFloatingIp", fault: refuse("POST", /\/floatingips$/) }
]

describe("attach and detach failures and cancels on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    for (const { flow, stage, fault } of attachFaults) {
      it.scoped(
        `server.${flow}.attach: a failure in ${stage} (${fault.method} ${fault.path.source} → ${fault.status}) leaves nothing`,
        () =>
          Effect.gen(function* () {
            const taskId = yield* newTask()
            const serverId = yield* aServer
            const before = yield* serverState(serverId)
            const run: Effect.Effect<
              FlowOutcome<unknown>,
              CheckpointError,
              Checkpoints.Checkpoints | Session | Nova | Neutron | Cinder
            > = flow === "floating_ip"
              ? runFlow(ServerFloatingIpAttach.flow, { taskId, params: floatingIpParams(serverId) })
              : runFlow(ServerInterfaceAttach.flow, { taskId, params: interfaceParams(serverId) })
            const outcome = yield* failed(yield* run.pipe(Effect.provide(faultyCloud([fault]))))
            expect(outcome.error.stage).toBe(stage)
            expect(outcome.error.message).toContain("injected")
            expect(outcome.compensation.failed).toEqual([])
            const undone = states(yield* timeline(taskId), "compensate").map((s) => s.split("#")[0])
            expect([...outcome.compensation.compensated].sort()).toEqual([...undone].sort())
            expect(yield* leftovers(taskId)).toEqual(nothingLeft)
            expect(yield* serverState(serverId)).toEqual(before)
          }),
        { timeout: 180_000, concurrent: true }
      )
    }

    it.scoped(
      "server.volume.attach: a cancel while waiting for the volume in use detaches and deletes it: CANCELLED",
      () =>
        Effect.gen(function* () {
          const taskId = yield* newTask()
          const serverId = yield* aServer
          const started = yield* Deferred.make<void>()
          const outcome = yield* runFlow(ServerVolumeAttach.flow, {
            taskId,
            params: volumeParams(serverId),
            cancellation: Deferred.await(started)
          }).pipe(
            Effect.provideService(Checkpoints.Checkpoints, yield* watching("waitVolumeAttached", started))
          )
          expect(outcome._tag).toBe("Cancelled")
          if (outcome._tag !== "Cancelled") return
          expect(outcome.compensation.failed).toEqual([])
          expect([...outcome.compensation.compensated].sort()).toEqual(["attachVolume", "createVolume"])
          const entries = yield* timeline(taskId)
          expect(states(entries, "run")).toContain("waitVolumeAttached#1:INTERRUPTED")
          expect(states(entries, "flow")).toEqual(["$flow#1:CANCELLED"])
          expect(yield* leftovers(taskId)).toEqual(nothingLeft)
          expect(yield* Nova.listVolumeAttachments(serverId)).toEqual([])
        }),
      { timeout: 180_000, concurrent: true }
    )

    it.scoped(
      "server.interface.attach: a cancel while the port is made stops there and deletes it: CANCELLED",
      () =>
        Effect.gen(function* () {
          const taskId = yield* newTask()
          const serverId = yield* aServer
          const before = yield* serverState(serverId)
          const started = yield* Deferred.make<void>()
          const outcome = yield* runFlow(ServerInterfaceAttach.flow, {
            taskId,
            params: interfaceParams(serverId),
            cancellation: Deferred.await(started)
          }).pipe(Effect.provideService(Checkpoints.Checkpoints, yield* watching("createPort", started)))
          expect(outcome._tag).toBe("Cancelled")
          if (outcome._tag !== "Cancelled") return
          expect(outcome.compensation.failed).toEqual([])
          expect(outcome.compensation.compensated).toContain("createPort")
          expect(states(yield* timeline(taskId), "flow")).toEqual(["$flow#1:CANCELLED"])
          expect(yield* leftovers(taskId)).toEqual(nothingLeft)
          expect(yield* serverState(serverId)).toEqual(before)
        }),
      { timeout: 180_000, concurrent: true }
    )

    it.scoped(
      "each detach refused at its first change changes nothing; asked again, it leaves nothing the attaches made",
      () =>
        Effect.gen(function* () {
          const attachTasks = [yield* newTask(), yield* newTask(), yield* newTask()] as const
          const serverId = yield* aServer
          const volume = yield* succeeded(
            yield* runFlow(ServerVolumeAttach.flow, {
              taskId: attachTasks[0],
              params: volumeParams(serverId)
            })
          )
          const port = yield* succeeded(
            yield* runFlow(ServerInterfaceAttach.flow, {
              taskId: attachTasks[1],
              params: interfaceParams(serverId)
            })
          )
          const ip = yield* succeeded(
            yield* runFlow(ServerFloatingIpAttach.flow, {
              taskId: attachTasks[2],
              params: floatingIpParams(serverId)
            })
          )
          const detaches: ReadonlyArray<{
            readonly stage: string
            readonly fault: Fault
            readonly run: () => Effect.Effect<
              FlowOutcome<unknown>,
              CheckpointError,
              Checkpoints.Checkpoints | Session | Nova | Neutron | Cinder
            >
          }> = [
            {
              stage: "detachVolume",
              fault: refuse("DELETE", new RegExp(`/os-volume_attachments/${uuid}$`)),
              run: () =>
                runFlow(ServerVolumeDetach.flow, {
                  taskId: crypto.randomUUID(),
                  params: { server_id: serverId, volume_id: volume.volume_id }
                })
            },
            {
              stage: "disassociateFloatingIp",
              fault: refuse("PUT", new RegExp(`/floatingips/${uuid}$`)),
              run: () =>
                runFlow(ServerFloatingIpDetach.flow, {
                  taskId: crypto.randomUUID(),
                  params: { server_id: serverId, floating_ip_id: ip.floating_ip_id }
                })
            },
            {
              stage: "letGoOfFloatingIps",
              fault: refuse("DELETE", new RegExp(`/floatingips/${uuid}$`)),
              run: () =>
                runFlow(ServerInterfaceDetach.flow, {
                  taskId: crypto.randomUUID(),
                  params: { server_id: serverId, port_id: port.port_id }
                })
            }
          ]
          for (const { stage, fault, run } of detaches) {
            const refused = yield* failed(yield* run().pipe(Effect.provide(faultyCloud([fault]))))
            expect(refused.error.stage).toBe(stage)
            expect(refused.error.message).toContain("injected")
          }
          // Nothing changed: the volume in use on the server, the port attached with its floating IP.
          expect((yield* Cinder.getVolume(volume.volume_id)).status).toBe("in-use")
          expect((yield* Nova.listInterfaces(serverId)).map((i) => i.portId)).toContain(port.port_id)
          expect((yield* Neutron.getFloatingIp(ip.floating_ip_id)).portId).toBe(ip.port_id)
          expect((yield* Neutron.getFloatingIp(port.floating_ip?.id ?? "")).portId).toBe(port.port_id)
          for (const { run } of detaches) yield* succeeded(yield* run())
          for (const taskId of attachTasks) expect(yield* leftovers(taskId)).toEqual(nothingLeft)
        }),
      { timeout: 240_000, concurrent: true }
    )
  })
})
