/**
 * `server.delete` against the real dev cloud: removes the server and the volume, ports and floating IPs
 * Enamel made for it, and leaves alone what the user brought.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Neutron, Nova } from "@enamel/openstack-clients"
import { Effect, Predicate } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import * as ServerDelete from "../../src/flows/server-delete/index.js"
import {
  aliceCloud,
  createRequest,
  leftovers,
  newTask,
  nothingLeft,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { failed, succeeded } from "./support/expectations.js"

const gone = <A, E, R>(get: Effect.Effect<A, E, R>) =>
  get.pipe(
    Effect.as(false),
    Effect.catchIf(Predicate.isTagged("OpenStackNotFound"), () => Effect.succeed(true))
  )

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
          expect(again.error).toMatchObject({ code: "server.not_found", stage: "findServerResources" })
        }),
      { timeout: 120_000 }
    )
  })
})
