/** What the attach and detach tests on the dev cloud share: a server to attach to, requests, faults. */
import { Effect, Schema } from "effect"
import { runFlow } from "../../../src/engine/flow/runFlow.js"
import * as ServerCreate from "../../../src/flows/server-create/index.js"
import * as ServerFloatingIpAttach from "../../../src/flows/server-floating-ip-attach/index.js"
import * as ServerInterfaceAttach from "../../../src/flows/server-interface-attach/index.js"
import * as ServerVolumeAttach from "../../../src/flows/server-volume-attach/index.js"
import { createRequest, type Fault, fullServer, newTask, uniqueName } from "./devcloud.js"
import { succeeded } from "./expectations.js"

/** A UUID in a URL path. */
export const uuid = "[0-9a-f-]{36}"

/**
 * A server of `tiny` on m1.tiny with one port on `private` (booted from the image unless `extra` says
 * otherwise, e.g. a boot volume), named after `prefix`, removed when the test ends.
 */
export const aServerWith = (prefix: string, extra: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const name = uniqueName(prefix)
    const taskId = yield* newTask([name])
    const params = createRequest({
      name,
      image: "tiny",
      flavor: "m1.tiny",
      networks: [{ network: "private" }],
      ...extra
    })
    const made = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId, params }))
    const server = made.servers[0]
    if (server === undefined) return yield* Effect.dieMessage("no server was made")
    return server.id
  })

/**
 * A server booted from a new 1 GiB volume of `tiny`, with a port on `private` and a floating IP, named
 * after `prefix`, removed when the test ends; its id, name and boot volume.
 */
export const aVolumeServer = (prefix: string) =>
  Effect.gen(function* () {
    const name = uniqueName(prefix)
    const taskId = yield* newTask([name])
    const made = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId, params: fullServer(name) }))
    const server = made.servers[0]
    if (server?.volume_id === undefined) return yield* Effect.dieMessage("no volume-backed server was made")
    return { id: server.id, name, volumeId: server.volume_id }
  })

/** A server booted from the image with one port on `private`, removed when the test ends. */
export const aServer = aServerWith("attach")

export const volumeParams = (serverId: string) =>
  Schema.decodeUnknownSync(ServerVolumeAttach.AttachVolumeRequest)({ size_gb: 1, server_id: serverId })

export const floatingIpParams = (serverId: string) =>
  Schema.decodeUnknownSync(ServerFloatingIpAttach.AttachFloatingIpRequest)({
    network: "public",
    server_id: serverId
  })

export const interfaceParams = (serverId: string) =>
  Schema.decodeUnknownSync(ServerInterfaceAttach.AttachInterfaceRequest)({
    network: "private",
    floating_ip: { network: "public" },
    server_id: serverId
  })

/** A call answered with `status` (400 by default) without reaching the cloud. */
export const refuse = (method: Fault["method"], path: RegExp, status = 400): Fault => ({
  method,
  path,
  mode: "refuse",
  status
})
