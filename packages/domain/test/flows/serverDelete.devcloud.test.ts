/**
 * `server.delete` against the real dev cloud: removes the server and the volume, ports and floating IPs
 * Enamel made for it, and leaves alone what the user brought. Version 2 (new tasks) waits in stages of
 * its own, so a worker's shutdown cuts a wait off at once and a resume finishes the job; version 1 (tasks
 * accepted before it) still deletes as it did.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, HttpTransport, Neutron, Nova, OpenStackClients } from "@enamel/openstack-clients"
import { Clock, Deferred, Effect, Exit, Fiber, Layer, Ref } from "effect"
import { sessionLayer, testSettings } from "../../../openstack-clients/test/support/cloud.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import * as ServerDelete from "../../src/flows/server-delete/index.js"
import {
  aliceCloud,
  createRequest,
  fullServer,
  leftovers,
  newTask,
  nothingLeft,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { failed, gone, states, succeeded, timeline } from "./support/expectations.js"

/** `path#attempt:STATE` of a task's stage runs, sorted. */
const runs = (taskId: string) => Effect.map(timeline(taskId), (entries) => states(entries, "run").sort())

/**
 * Alice's clients over a transport that makes Nova slow to delete the server: once asked to delete it,
 * every look at it is answered as it was before (not `deleting`, not `DELETED`, not gone), so a wait for
 * it to go lasts until the run is stopped. `waiting` completes at the wait's first look.
 */
const slowServerDelete = (serverId: string, waiting: Deferred.Deferred<void>) => {
  const transport = Layer.effect(
    HttpTransport.HttpTransport,
    Effect.gen(function* () {
      const real = yield* Effect.provide(HttpTransport.HttpTransport, HttpTransport.layerFetch)
      const before = yield* Ref.make<HttpTransport.HttpReply | undefined>(undefined)
      const deleteAsked = yield* Ref.make(false)
      const send = (call: HttpTransport.HttpCall) =>
        Effect.gen(function* () {
          const reply = yield* real.send(call)
          if (!new URL(call.url).pathname.endsWith(`/servers/${serverId}`)) return reply
          if (call.method === "DELETE") yield* Ref.set(deleteAsked, true)
          if (call.method !== "GET") return reply
          if (!(yield* Ref.get(deleteAsked))) {
            if (reply.status === 200) yield* Ref.set(before, reply)
            return reply
          }
          yield* Deferred.succeed(waiting, undefined)
          return (yield* Ref.get(before)) ?? reply
        })
      return HttpTransport.HttpTransport.make({ send })
    })
  )
  return Layer.provideMerge(sessionLayer("alice"), OpenStackClients.layerWithoutTransport).pipe(
    Layer.provideMerge(transport),
    Layer.provideMerge(testSettings)
  )
}

describe("server.delete on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "removes the server, its boot volume, its ports and floating IPs, and keeps the user's own port",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("delete")
          const taskId = yield* newTask([name])
          // A port the user made and brings to the server: not Enamel's to delete.
          const network = yield* Neutron.findNetwork("private")
          const userPort = yield* Effect.acquireRelease(
            Neutron.createPort({ networkId: network.id, name: uniqueName("user-port") }),
            (port) => Effect.ignore(Neutron.deletePort(port.id))
          )
          const params = createRequest({
            name,
            image: "tiny",
            flavor: "m1.tiny",
            // Kept on Nova's own delete; the porcelain delete removes it anyway.
            boot_volume: { size_gb: 1, delete_on_termination: false },
            networks: [
              { network: "private", floating_ip: { network: "public" } },
              { port: userPort.id, floating_ip: { network: "public" } }
            ]
          })
          const created = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId, params }))
          const [server] = created.servers
          const ourPort = server?.ports[0]
          if (server?.volume_id === undefined || ourPort === undefined) {
            return yield* Effect.dieMessage(`unexpected result ${JSON.stringify(created)}`)
          }
          expect(server.ports.map((p) => p.created)).toEqual([true, false])
          expect(server.floating_ips).toHaveLength(2)

          const deleteTask = yield* newTask()
          const deleted = yield* succeeded(
            yield* runFlow(ServerDelete.flow, { taskId: deleteTask, params: { server_id: server.id } })
          )
          expect(yield* runs(deleteTask)).toEqual([
            "deleteFloatingIps#1:SUCCEEDED",
            "deletePorts#1:SUCCEEDED",
            "deleteServer#1:SUCCEEDED",
            "deleteVolumes#1:SUCCEEDED",
            "findBackupSets#1:SUCCEEDED",
            "findOwnedResources#1:SUCCEEDED",
            "waitServerDeleted#1:SUCCEEDED",
            "waitVolumesDeletable#1:SUCCEEDED",
            "waitVolumesDeleted#1:SUCCEEDED"
          ])
          expect(deleted.server_id).toBe(server.id)
          expect(deleted.volume_ids).toEqual([server.volume_id])
          expect(deleted.port_ids).toEqual([ourPort.id])
          expect([...deleted.floating_ip_ids].sort()).toEqual(server.floating_ips.map((ip) => ip.id).sort())

          expect(yield* gone(Nova.getServer(server.id))).toBe(true)
          expect(yield* gone(Cinder.getVolume(server.volume_id))).toBe(true)
          for (const ip of server.floating_ips) expect(yield* gone(Neutron.getFloatingIp(ip.id))).toBe(true)
          expect(yield* gone(Neutron.getPort(ourPort.id))).toBe(true)
          const kept = yield* Neutron.getPort(userPort.id)
          expect(kept.deviceId).toBe("")
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)

          // Deleting it again: the server is not found, nothing else happens.
          const again = yield* failed(
            yield* runFlow(ServerDelete.flow, {
              taskId: crypto.randomUUID(),
              params: { server_id: server.id }
            })
          )
          expect(again.error).toMatchObject({ code: "server.not_found", stage: "findOwnedResources" })
        }),
      { timeout: 120_000 }
    )

    it.scoped(
      "a shutdown while it waits for the server to go stops the run within a second; a resume finishes the job",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("delete-cut")
          const taskId = yield* newTask([name])
          // A boot volume and a port, no floating IP: no other stage runs beside the wait, so how long the
          // run takes to stop is the wait's alone.
          const params = createRequest({
            name,
            image: "tiny",
            flavor: "m1.tiny",
            boot_volume: { size_gb: 1 },
            networks: [{ network: "private" }]
          })
          const created = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId, params }))
          const server = created.servers[0]
          if (server?.volume_id === undefined) {
            return yield* Effect.dieMessage(`unexpected result ${JSON.stringify(created)}`)
          }

          const deleteTask = yield* newTask()
          const deleteParams = { server_id: server.id }
          const waiting = yield* Deferred.make<void>()
          const worker = yield* Effect.fork(
            runFlow(ServerDelete.flow, { taskId: deleteTask, params: deleteParams }).pipe(
              Effect.provide(slowServerDelete(server.id, waiting))
            )
          )
          // The worker shuts down (interrupts its runs) while the run waits for the server to go.
          yield* Deferred.await(waiting)
          const stopAt = yield* Clock.currentTimeMillis
          const stopped = yield* Fiber.interrupt(worker)
          const stopTook = (yield* Clock.currentTimeMillis) - stopAt
          expect(Exit.isInterrupted(stopped)).toBe(true)
          expect(stopTook).toBeLessThan(1000)
          expect(yield* runs(deleteTask)).toEqual([
            "deleteFloatingIps#1:SUCCEEDED",
            "deleteServer#1:SUCCEEDED",
            "findBackupSets#1:SUCCEEDED",
            "findOwnedResources#1:SUCCEEDED",
            "waitServerDeleted#1:INTERRUPTED"
          ])

          // Another worker resumes the task: it waits again, then removes the port and the volume.
          const deleted = yield* succeeded(
            yield* runFlow(ServerDelete.flow, { taskId: deleteTask, params: deleteParams })
          )
          expect(deleted.volume_ids).toEqual([server.volume_id])
          expect(yield* runs(deleteTask)).toEqual([
            "deleteFloatingIps#1:SUCCEEDED",
            "deletePorts#1:SUCCEEDED",
            "deleteServer#1:SUCCEEDED",
            "deleteVolumes#1:SUCCEEDED",
            "findBackupSets#1:SUCCEEDED",
            "findOwnedResources#1:SUCCEEDED",
            "waitServerDeleted#1:INTERRUPTED",
            "waitServerDeleted#2:SUCCEEDED",
            "waitVolumesDeletable#1:SUCCEEDED",
            "waitVolumesDeleted#1:SUCCEEDED"
          ])
          expect(yield* gone(Nova.getServer(server.id))).toBe(true)
          expect(yield* gone(Cinder.getVolume(server.volume_id))).toBe(true)
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
        }),
      { timeout: 120_000 }
    )

    it.scoped(
      "version 1, by which tasks accepted before version 2 resume, still removes everything",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("delete-v1")
          const taskId = yield* newTask([name])
          const created = yield* succeeded(
            yield* runFlow(ServerCreate.flow, { taskId, params: fullServer(name) })
          )
          const server = created.servers[0]
          if (server === undefined)
            return yield* Effect.dieMessage(`unexpected result ${JSON.stringify(created)}`)

          const deleteTask = yield* newTask()
          const deleted = yield* succeeded(
            yield* runFlow(ServerDelete.flowV1, { taskId: deleteTask, params: { server_id: server.id } })
          )
          expect(deleted.volume_ids).toHaveLength(1)
          expect(deleted.port_ids).toHaveLength(1)
          expect(deleted.floating_ip_ids).toHaveLength(1)
          expect(yield* runs(deleteTask)).toEqual([
            "deleteFloatingIps#1:SUCCEEDED",
            "deletePorts#1:SUCCEEDED",
            "deleteServer#1:SUCCEEDED",
            "deleteVolumes#1:SUCCEEDED",
            "findServerResources#1:SUCCEEDED"
          ])
          expect(yield* gone(Nova.getServer(server.id))).toBe(true)
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
        }),
      { timeout: 120_000 }
    )
  })
})
