/**
 * `server.rebuild` against the real dev cloud, which offers Nova 2.93 and Cinder's reimage (3.70), so the
 * flow takes the `rebuild` path: the same server and root volume, the volume rewritten from the new image,
 * the same fixed and floating IPs. A refusal at each stage leaves the server as it was, or (once Nova
 * has the rebuild) running again with its addresses; a crash right after each stage resumes to the end.
 * Rebuilding by replacement, which the dev cloud takes only when its versions are shown lower, is
 * `serverRebuildReplace.devcloud.test.ts`.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, Exit, Schema } from "effect"
import { dyingStore } from "../../../../test/support/dyingStore.js"
import { ErrorCode } from "../../src/ErrorCatalogue.js"
import * as Checkpoints from "../../src/engine/flow/Checkpoints.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerRebuild from "../../src/flows/server-rebuild/index.js"
import { addressesOf } from "./support/addresses.js"
import { aServer, aVolumeServer, refuse, uuid } from "./support/attach.js"
import { aliceCloud, faultyCloud, newTask, timeout, uniqueName } from "./support/devcloud.js"
import { failed, states, succeeded, timeline } from "./support/expectations.js"
import { anImage, volumeImageId } from "./support/images.js"

const params = (serverId: string, image: string) =>
  Schema.decodeUnknownSync(ServerRebuild.RebuildRequest)({ image, server_id: serverId })

/** A volume-backed server, a new image to rebuild it from, how the server is now, and a task for it. */
const prepared = Effect.gen(function* () {
  const server = yield* aVolumeServer("rebuild")
  const image = yield* anImage(uniqueName("rebuild-image"))
  const before = yield* addressesOf(server.id)
  const imageBefore = yield* volumeImageId(server.volumeId)
  const taskId = yield* newTask()
  return { server, image, before, imageBefore, taskId }
})

const stages = ["checkRequest", "rebuildServer", "waitServerRebuilt"]

describe("server.rebuild on the dev cloud (the rebuild path: Nova 2.93 with Cinder's reimage)", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "rebuilds from a new image: same server, root volume rewritten from the image, same fixed and floating IPs",
      () =>
        Effect.gen(function* () {
          const { server, image, before, imageBefore, taskId } = yield* prepared
          expect(before.floating.length).toBe(1)
          expect(imageBefore).not.toBe(image)
          const result = yield* succeeded(
            yield* runFlow(ServerRebuild.flow, { taskId, params: params(server.id, image) })
          )
          expect(result).toEqual({ server_id: server.id, path: "rebuild", boot_volume_id: server.volumeId })
          expect(yield* addressesOf(server.id)).toEqual(before)
          expect(yield* volumeImageId(server.volumeId)).toBe(image)
          expect((yield* Cinder.getVolume(server.volumeId)).status).toBe("in-use")
          expect(states(yield* timeline(taskId), "run")).toEqual(stages.map((s) => `${s}#1:SUCCEEDED`))
        }),
      { timeout: 180_000 }
    )

    for (const stage of stages) {
      it.scoped(
        `a crash right after ${stage} ran (its result lost), then a resume: rebuilt, addresses kept`,
        () =>
          Effect.gen(function* () {
            const { server, image, before, taskId } = yield* prepared
            const store = yield* dyingStore(
              (e) => e.phase === "run" && e.path === stage && e.state === "SUCCEEDED",
              false
            )
            const crashed = yield* Effect.exit(
              runFlow(ServerRebuild.flow, { taskId, params: params(server.id, image) }).pipe(
                Effect.provideService(Checkpoints.Checkpoints, store)
              )
            )
            expect(Exit.isInterrupted(crashed)).toBe(true)
            const result = yield* succeeded(
              yield* runFlow(ServerRebuild.flow, { taskId, params: params(server.id, image) })
            )
            expect(result.path).toBe("rebuild")
            expect(yield* addressesOf(server.id)).toEqual(before)
            expect(yield* volumeImageId(server.volumeId)).toBe(image)
            expect(states(yield* timeline(taskId), "run")).toContain(`${stage}#2:SUCCEEDED`)
          }),
        { timeout: 180_000, concurrent: true }
      )
    }

    const refusals = [
      {
        stage: "checkRequest",
        fault: refuse("GET", new RegExp(`/servers/${uuid}/os-volume_attachments$`), 403)
      },
      { stage: "rebuildServer", fault: refuse("POST", new RegExp(`/servers/${uuid}/action$`), 403) }
    ]
    for (const { stage, fault } of refusals) {
      it.scoped(
        `a refusal at ${stage}: the task fails there and the server is as it was`,
        () =>
          Effect.gen(function* () {
            const { server, image, before, imageBefore, taskId } = yield* prepared
            const outcome = yield* failed(
              yield* runFlow(ServerRebuild.flow, { taskId, params: params(server.id, image) }).pipe(
                Effect.provide(faultyCloud([fault]))
              )
            )
            expect(outcome.error.stage).toBe(stage)
            expect(outcome.error.message).toContain("injected")
            expect(outcome.compensation.failed).toEqual([])
            expect(yield* addressesOf(server.id)).toEqual(before)
            expect(yield* volumeImageId(server.volumeId)).toBe(imageBefore)
          }),
        { timeout: 180_000, concurrent: true }
      )
    }

    it.scoped(
      "a failure while waiting (after Nova took the rebuild): the task fails there, the server runs again with its addresses",
      () =>
        Effect.gen(function* () {
          const { server, image, before, taskId } = yield* prepared
          const lostWait = {
            ...refuse("GET", new RegExp(`/servers/${uuid}$`), 403),
            armedBy: { method: "POST" as const, path: new RegExp(`/servers/${uuid}/action$`) }
          }
          const outcome = yield* failed(
            yield* runFlow(ServerRebuild.flow, { taskId, params: params(server.id, image) }).pipe(
              Effect.provide(faultyCloud([lostWait]))
            )
          )
          expect(outcome.error.stage).toBe("waitServerRebuilt")
          yield* Nova.waitForServerRebuilt(server.id)
          expect(yield* addressesOf(server.id)).toEqual(before)
        }),
      { timeout: 180_000, concurrent: true }
    )

    it.scoped(
      "a server booted from its image is refused at checkRequest, unchanged",
      () =>
        Effect.gen(function* () {
          const serverId = yield* aServer
          const taskId = yield* newTask()
          const outcome = yield* failed(
            yield* runFlow(ServerRebuild.flow, { taskId, params: params(serverId, "tiny") })
          )
          expect(outcome.error.stage).toBe("checkRequest")
          expect(outcome.error.code).toBe(ErrorCode.serverNotVolumeBacked)
          expect((yield* Nova.getServer(serverId)).status).toBe("ACTIVE")
        }),
      { timeout: 180_000, concurrent: true }
    )
  })
})
