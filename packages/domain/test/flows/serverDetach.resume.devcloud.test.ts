/**
 * Each detach flow failing at each stage after its first change, against the real dev cloud: the task
 * fails with the thing half let go of (detached, not yet deleted); asking again finishes the job, and
 * nothing the attach made is left. (The first change refused is in serverAttach.failures.devcloud.test.ts.)
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, type Glance, type Neutron, Nova, type Session } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { ErrorCode } from "../../src/ErrorCatalogue.js"
import type { CheckpointError } from "../../src/engine/errors.js"
import type * as Checkpoints from "../../src/engine/flow/Checkpoints.js"
import type { Flow } from "../../src/engine/flow/Flow.js"
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
import { failed, succeeded } from "./support/expectations.js"

type OnCloud = Checkpoints.Checkpoints | Session | Nova | Neutron | Cinder | Glance
type CloudRun = Effect.Effect<FlowOutcome<unknown>, CheckpointError, OnCloud>

/** One attach and its detach, by the id the attach answered. */
interface Family {
  readonly attach: (taskId: string, serverId: string) => Effect.Effect<string, CheckpointError, OnCloud>
  readonly detach: (serverId: string, id: string) => CloudRun
}

/** Attaches with the flow, answering the id of what it attached. */
const attachWith =
  <I, O, E, R, II, OI>(
    flow: Flow<I, O, E, R, II, OI>,
    params: (serverId: string) => I,
    id: (made: O) => string
  ) =>
  (taskId: string, serverId: string) =>
    runFlow(flow, { taskId, params: params(serverId) }).pipe(Effect.flatMap(succeeded), Effect.map(id))

/** Detaches with the flow, as a new task each time it is asked. */
const detachWith =
  <I, O, E, R, II, OI>(flow: Flow<I, O, E, R, II, OI>, params: (serverId: string, id: string) => I) =>
  (serverId: string, id: string) =>
    runFlow(flow, { taskId: crypto.randomUUID(), params: params(serverId, id) })

const volumeAttachments = "/os-volume_attachments/"
const interfaceAttachments = "/os-interface/"

/**
 * The stages after each detach's first change, each with the call that breaks it. `gone`: the failure
 * comes after the delete was asked for, so Cinder finishes alone and asking again finds nothing attached.
 */
const families: ReadonlyArray<{
  readonly name: string
  readonly faults: ReadonlyArray<{ readonly stage: string; readonly fault: Fault; readonly gone?: boolean }>
  readonly family: Family
}> = [
  {
    name: "server.volume.detach",
    faults: [
      {
        stage: "waitVolumeDetached",
        fault: {
          ...refuse("GET", new RegExp(`/volumes/${uuid}$`)),
          armedBy: { method: "DELETE", path: new RegExp(`${volumeAttachments}${uuid}$`) }
        }
      },
      { stage: "deleteVolume", fault: refuse("DELETE", new RegExp(`/volumes/${uuid}$`)) },
      {
        stage: "waitVolumeDeleted",
        fault: {
          ...refuse("GET", new RegExp(`/volumes/${uuid}$`)),
          armedBy: { method: "DELETE", path: new RegExp(`/volumes/${uuid}$`) }
        },
        gone: true
      }
    ],
    family: {
      attach: attachWith(ServerVolumeAttach.flow, volumeParams, (made) => made.volume_id),
      detach: detachWith(ServerVolumeDetach.flow, (server_id, volume_id) => ({ server_id, volume_id }))
    }
  },
  {
    name: "server.floating_ip.detach",
    faults: [{ stage: "releaseFloatingIp", fault: refuse("DELETE", new RegExp(`/floatingips/${uuid}$`)) }],
    family: {
      attach: attachWith(ServerFloatingIpAttach.flow, floatingIpParams, (made) => made.floating_ip_id),
      detach: detachWith(ServerFloatingIpDetach.flow, (server_id, floating_ip_id) => ({
        server_id,
        floating_ip_id
      }))
    }
  },
  {
    name: "server.interface.detach",
    faults: [
      { stage: "detachInterface", fault: refuse("DELETE", new RegExp(`${interfaceAttachments}${uuid}$`)) },
      {
        stage: "waitInterfaceDetached",
        fault: {
          ...refuse("GET", new RegExp(`/ports/${uuid}$`)),
          armedBy: { method: "DELETE", path: new RegExp(`${interfaceAttachments}${uuid}$`) }
        }
      },
      { stage: "deletePort", fault: refuse("DELETE", new RegExp(`/ports/${uuid}$`)) }
    ],
    family: {
      attach: attachWith(ServerInterfaceAttach.flow, interfaceParams, (made) => made.port_id),
      detach: detachWith(ServerInterfaceDetach.flow, (server_id, port_id) => ({ server_id, port_id }))
    }
  }
]

describe("detaches failing after their first change, asked again, on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    for (const { name, faults, family } of families) {
      it.scoped(
        `${name}: a failure at ${faults.map((f) => f.stage).join(", ")} leaves it half done; asking again finishes it and nothing the attach made stays`,
        () =>
          Effect.gen(function* () {
            const serverId = yield* aServer
            const attached: Array<string> = []
            for (const { stage, fault, gone } of faults) {
              const attachTask = yield* newTask()
              const id = yield* family.attach(attachTask, serverId)
              attached.push(id)
              const refused = yield* failed(
                yield* family.detach(serverId, id).pipe(Effect.provide(faultyCloud([fault])))
              )
              expect(refused.error.stage, `${name} with ${fault.method} ${fault.path.source} refused`).toBe(
                stage
              )
              expect(refused.error.message).toContain("injected")
              const again = yield* family.detach(serverId, id)
              if (gone === true) {
                // The delete was asked for before the failure: nothing to finish, the volume goes anyway.
                const notAttached = yield* failed(again)
                expect(notAttached.error.code).toBe(ErrorCode.volumeNotAttached)
                yield* Cinder.waitForVolumeDeleted(id)
              } else {
                const result = yield* succeeded(again)
                expect(result).toMatchObject({ deleted: true })
              }
              expect(yield* leftovers(attachTask), `after ${stage} failed and was asked again`).toEqual(
                nothingLeft
              )
            }
            // None of them is on the server any more.
            const onServer = [
              ...(yield* Nova.listVolumeAttachments(serverId)).map((a) => a.volumeId),
              ...(yield* Nova.listInterfaces(serverId)).map((i) => i.portId)
            ]
            expect(onServer.filter((id) => attached.includes(id))).toEqual([])
          }),
        { timeout: 360_000, concurrent: true }
      )
    }
  })
})
