/**
 * `server.resize` against the real dev cloud (nova-compute's `fake.SameHostColdMigrateDriver`, which
 * resizes on its one host), on a server booted from a volume on m1.tiny: to m1.small it ends ACTIVE on
 * m1.small; a stopped one ends SHUTOFF on m1.small; a confirm refused by the cloud, and a cancel while
 * Nova resizes, revert it to ACTIVE on m1.tiny. The cloud itself is read back each time.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Nova } from "@enamel/openstack-clients"
import { Deferred, Effect, Schema } from "effect"
import * as Checkpoints from "../../src/engine/flow/Checkpoints.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerResize from "../../src/flows/server-resize/index.js"
import { aServerWith, uuid } from "./support/attach.js"
import { aliceCloud, faultyCloud, newTask, timeout } from "./support/devcloud.js"
import { failed, states, succeeded, timeline, watching } from "./support/expectations.js"

/** A server booted from a 1 GiB volume of `tiny` on m1.tiny, on `private`; removed when the test ends. */
const aServer = aServerWith("resize", { boot_volume: { size_gb: 1 } })

const resizeParams = (serverId: string, flavor = "m1.small") =>
  Schema.decodeUnknownSync(ServerResize.ResizeServerRequest)({ flavor, server_id: serverId })

/** The server as Nova shows it: status, task state, flavor. */
const serverOf = (serverId: string) =>
  Effect.map(Nova.getServer(serverId), (server) => ({
    status: server.status,
    taskState: server.taskState,
    flavor: server.flavor?.originalName
  }))

const options = { timeout: 240_000, concurrent: true }

describe("server.resize on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "m1.tiny → m1.small: resized, confirmed, ACTIVE on m1.small",
      () =>
        Effect.gen(function* () {
          const serverId = yield* aServer
          const taskId = yield* newTask()
          const result = yield* succeeded(
            yield* runFlow(ServerResize.flow, { taskId, params: resizeParams(serverId) })
          )
          expect(result).toMatchObject({
            server_id: serverId,
            flavor: { name: "m1.small" },
            previous_flavor: { name: "m1.tiny" }
          })
          expect(result.previous_flavor.id).not.toBeNull()
          expect(yield* serverOf(serverId)).toEqual({ status: "ACTIVE", taskState: null, flavor: "m1.small" })
          expect(states(yield* timeline(taskId), "run")).toEqual([
            "checkRequest#1:SUCCEEDED",
            "requestResize#1:SUCCEEDED",
            "waitResizeVerify#1:SUCCEEDED",
            "confirmResize#1:SUCCEEDED",
            "waitResized#1:SUCCEEDED"
          ])
        }),
      options
    )

    it.scoped(
      "a stopped server: ends SHUTOFF on m1.small",
      () =>
        Effect.gen(function* () {
          const serverId = yield* aServer
          yield* Nova.stopServer(serverId)
          yield* Nova.waitForServer(serverId, {
            target: "SHUTOFF",
            done: (s) => s.status === "SHUTOFF" && s.taskState === null
          })
          const taskId = yield* newTask()
          yield* succeeded(yield* runFlow(ServerResize.flow, { taskId, params: resizeParams(serverId) }))
          expect(yield* serverOf(serverId)).toEqual({
            status: "SHUTOFF",
            taskState: null,
            flavor: "m1.small"
          })
        }),
      options
    )

    it.scoped(
      "the cloud refuses the confirm: the task fails at confirmResize, reverted to ACTIVE on m1.tiny",
      () =>
        Effect.gen(function* () {
          const serverId = yield* aServer
          const taskId = yield* newTask()
          // The second action on the server (the resize is the first) is the confirm.
          const refuseConfirm = faultyCloud([
            {
              method: "POST",
              path: new RegExp(`/servers/${uuid}/action$`),
              mode: "refuse",
              status: 403,
              after: 1
            }
          ])
          const outcome = yield* failed(
            yield* runFlow(ServerResize.flow, { taskId, params: resizeParams(serverId) }).pipe(
              Effect.provide(refuseConfirm)
            )
          )
          expect(outcome.error.stage).toBe("confirmResize")
          expect(outcome.compensation.failed).toEqual([])
          expect(outcome.compensation.compensated).toEqual(["requestResize"])
          expect(yield* serverOf(serverId)).toEqual({ status: "ACTIVE", taskState: null, flavor: "m1.tiny" })
        }),
      options
    )

    it.scoped(
      "a cancel while Nova resizes (waitResizeVerify): reverted to ACTIVE on m1.tiny, CANCELLED",
      () =>
        Effect.gen(function* () {
          const serverId = yield* aServer
          const taskId = yield* newTask()
          const started = yield* Deferred.make<void>()
          const outcome = yield* runFlow(ServerResize.flow, {
            taskId,
            params: resizeParams(serverId),
            cancellation: Deferred.await(started)
          }).pipe(
            Effect.provideService(Checkpoints.Checkpoints, yield* watching("waitResizeVerify", started))
          )
          expect(outcome._tag).toBe("Cancelled")
          if (outcome._tag !== "Cancelled") return
          expect(outcome.compensation.failed).toEqual([])
          expect(outcome.compensation.compensated).toEqual(["requestResize"])
          const entries = yield* timeline(taskId)
          expect(states(entries, "run")).toContain("waitResizeVerify#1:INTERRUPTED")
          expect(states(entries, "flow")).toEqual(["$flow#1:CANCELLED"])
          expect(yield* serverOf(serverId)).toEqual({ status: "ACTIVE", taskState: null, flavor: "m1.tiny" })
        }),
      options
    )
  })
})
