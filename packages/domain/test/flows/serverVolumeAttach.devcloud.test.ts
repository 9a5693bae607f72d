/**
 * `server.volume.attach` cut off and resumed, and failing, against the real dev cloud: a crash right
 * after each stage ran (its result lost, so the stage is in doubt), then a resume that finishes with
 * exactly one volume, in use on the server once; and a refusal at each stage that makes something, after
 * which nothing the task made is left and the server is as it was.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, Exit } from "effect"
import { dyingStore } from "../../../../test/support/dyingStore.js"
import * as Checkpoints from "../../src/engine/flow/Checkpoints.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerVolumeAttach from "../../src/flows/server-volume-attach/index.js"
import { aServer, volumeParams } from "./support/attach.js"
import {
  aliceCloud,
  type Fault,
  faultyCloud,
  leftovers,
  newTask,
  nothingLeft,
  timeout
} from "./support/devcloud.js"
import { failed, states, succeeded, timeline } from "./support/expectations.js"

/** Exactly one volume of the task, in use on the server, attached once. */
const expectOneAttached = (taskId: string, serverId: string, volumeId: string) =>
  Effect.gen(function* () {
    expect((yield* leftovers(taskId)).volumes).toEqual([volumeId])
    const volume = yield* Cinder.getVolume(volumeId)
    expect(volume.status).toBe("in-use")
    expect(volume.attachments.map((a) => a.serverId)).toEqual([serverId])
    const onServer = (yield* Nova.listVolumeAttachments(serverId)).filter((a) => a.volumeId === volumeId)
    expect(onServer.length).toBe(1)
  })

const stages = ["checkRequest", "createVolume", "waitVolumeAvailable", "attachVolume", "waitVolumeAttached"]

const refusals: ReadonlyArray<{ readonly stage: string; readonly fault: Fault }> = [
  { stage: "createVolume", fault: { method: "POST", path: /\/volumes$/, mode: "refuse", status: 403 } },
  {
    stage: "attachVolume",
    fault: { method: "POST", path: /\/os-volume_attachments$/, mode: "refuse", status: 403 }
  }
]

describe("server.volume.attach crashes and failures on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    for (const stage of stages) {
      it.scoped(
        `a crash right after ${stage} ran (its result lost), then a resume: one volume, attached once`,
        () =>
          Effect.gen(function* () {
            // Registered first, so removed last: the server goes first and lets go of the volume.
            const taskId = yield* newTask()
            const serverId = yield* aServer
            const params = volumeParams(serverId)
            const store = yield* dyingStore(
              (e) => e.phase === "run" && e.path === stage && e.state === "SUCCEEDED",
              false
            )
            const crashed = yield* Effect.exit(
              runFlow(ServerVolumeAttach.flow, { taskId, params }).pipe(
                Effect.provideService(Checkpoints.Checkpoints, store)
              )
            )
            expect(Exit.isInterrupted(crashed)).toBe(true)
            const result = yield* succeeded(yield* runFlow(ServerVolumeAttach.flow, { taskId, params }))
            expect(result.created).toBe(true)
            yield* expectOneAttached(taskId, serverId, result.volume_id)
            expect(states(yield* timeline(taskId), "run")).toContain(`${stage}#2:SUCCEEDED`)
          }),
        { timeout: 180_000, concurrent: true }
      )
    }

    for (const { stage, fault } of refusals) {
      it.scoped(
        `a refusal at ${stage}: the task fails there and nothing it made is left`,
        () =>
          Effect.gen(function* () {
            const taskId = yield* newTask()
            const serverId = yield* aServer
            const outcome = yield* failed(
              yield* runFlow(ServerVolumeAttach.flow, { taskId, params: volumeParams(serverId) }).pipe(
                Effect.provide(faultyCloud([fault]))
              )
            )
            expect(outcome.error.stage).toBe(stage)
            expect(outcome.compensation.failed).toEqual([])
            expect(yield* leftovers(taskId)).toEqual(nothingLeft)
            expect((yield* Nova.listVolumeAttachments(serverId)).length).toBe(0)
          }),
        { timeout: 180_000, concurrent: true }
      )
    }
  })
})
