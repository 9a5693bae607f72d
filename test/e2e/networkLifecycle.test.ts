/**
 * Issue 19's scenario end to end on the dev cloud, through the real API and in-process workers, checked
 * in Neutron as alice: POST /networks makes a network, its subnet, a router with its gateway on `public`
 * and the subnet's interface; a server with a floating IP goes on that network (reachable because of the
 * router); DELETE /networks/{id} is refused with 409 naming the server's port while the server exists,
 * and changes nothing; once the server is deleted, DELETE /networks/{id} removes it all, and nothing
 * with the tasks' marks is left: no network, subnet, router, port or floating IP.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Neutron, Nova, type OpenStackClients, type Session } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { markedBy, removeMarkedBy } from "../../packages/openstack-clients/test/support/networkTopology.js"
import { aliceForTest, enamelServing, refused } from "./attach.js"
import { call, cloudCount, finished, type TaskBody } from "./enamel.js"
import { accepted, succeededTask } from "./killedWorkers.js"

const Enamel = enamelServing("e2e-networks", {
  "network.create": 1,
  "network.delete": 1,
  "server.create": 1,
  "server.delete": 1
})

const NetworkMade = Schema.Struct({
  network_id: Schema.String,
  subnet_id: Schema.String,
  router_id: Schema.String,
  interface_port_id: Schema.String,
  cidr: Schema.String
})
const ServerMade = Schema.Struct({
  servers: Schema.NonEmptyArray(
    Schema.Struct({
      id: Schema.String,
      ports: Schema.NonEmptyArray(Schema.Struct({ id: Schema.String })),
      floating_ips: Schema.NonEmptyArray(Schema.Struct({ id: Schema.String, address: Schema.String }))
    })
  )
})

/** The error's tag when the read fails, `"found"` when it succeeds. */
const lookedUp = <E extends { readonly _tag: string }>(
  read: Effect.Effect<unknown, E, Session | OpenStackClients.OpenStackClients>
) =>
  Effect.match(read, {
    onFailure: (error) => error._tag,
    onSuccess: () => "found"
  })

describe("networks end to end on the dev cloud", () => {
  layer(Enamel, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped(
      "POST /networks; a server with a floating IP on it; DELETE refused with 409 naming its port; after the server, DELETE leaves nothing",
      () =>
        Effect.gen(function* () {
          const { alice, cloud, token } = yield* aliceForTest
          const name = uniqueName("e2e-net")

          // Whatever happens below, what network.create made goes last (after the server).
          const createTask = yield* accepted(token, "POST", "/networks", { name })
          yield* Effect.addFinalizer(() =>
            cloud(removeMarkedBy(createTask)).pipe(Effect.catchAllCause(Effect.logWarning))
          )
          const made = Schema.decodeUnknownSync(NetworkMade)(yield* succeededTask(token, createTask))
          expect(yield* cloud(markedBy(createTask))).toEqual({
            networkIds: [made.network_id],
            subnetIds: [made.subnet_id],
            routerIds: [made.router_id]
          })
          const router = yield* cloud(Neutron.getRouter(made.router_id))
          expect(router.externalGateway?.networkId).toBe((yield* cloud(Neutron.findNetwork("public"))).id)
          const subnet = yield* cloud(Neutron.getSubnet(made.subnet_id))
          expect({ network: subnet.networkId, cidr: subnet.cidr }).toEqual({
            network: made.network_id,
            cidr: made.cidr
          })
          const routerInterface = yield* cloud(Neutron.getPort(made.interface_port_id))
          expect({ device: routerInterface.deviceId, network: routerInterface.networkId }).toEqual({
            device: made.router_id,
            network: made.network_id
          })

          // A server on the new network, with a floating IP from public (routed through the new router).
          const serverTask = yield* accepted(token, "POST", "/servers", {
            name: `${name}-server`,
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: made.network_id, floating_ip: { network: "public" } }]
          })
          yield* Effect.addFinalizer(() =>
            Effect.gen(function* () {
              const servers = yield* cloud(Nova.listServers({ tags: [`enamel_task=${serverTask}`] }))
              for (const server of servers) {
                const answer = yield* call("DELETE", `/servers/${server.id}`, token)
                if (answer.status === 202) yield* finished((answer.body as TaskBody).task.id, alice)
              }
            }).pipe(Effect.catchAllCause(Effect.logWarning))
          )
          const server = Schema.decodeUnknownSync(ServerMade)(yield* succeededTask(token, serverTask))
            .servers[0]
          const serverPort = yield* cloud(Neutron.getPort(server.ports[0].id))
          expect(serverPort.networkId).toBe(made.network_id)
          expect(server.floating_ips[0].address).toMatch(/^172\.24\.4\./)

          // Refused while the server's port is on it; nothing changes.
          const inUse = yield* refused("DELETE", `/networks/${made.network_id}`, token)
          expect({ status: inUse.status, code: inUse.code }).toEqual({ status: 409, code: "network.in_use" })
          expect(inUse.detail).toContain(serverPort.id)
          expect(yield* cloud(markedBy(createTask))).toEqual({
            networkIds: [made.network_id],
            subnetIds: [made.subnet_id],
            routerIds: [made.router_id]
          })

          const deleting = yield* accepted(token, "DELETE", `/servers/${server.id}`)
          yield* succeededTask(token, deleting)
          const deletingNetwork = yield* accepted(token, "DELETE", `/networks/${made.network_id}`)
          yield* succeededTask(token, deletingNetwork)

          // Nothing with either task's mark, and each thing made gone by its id too.
          expect(yield* cloud(markedBy(createTask))).toEqual({ networkIds: [], subnetIds: [], routerIds: [] })
          expect(yield* cloudCount(serverTask, alice)).toEqual({
            servers: 0,
            volumes: 0,
            ports: 0,
            floatingIps: 0
          })
          expect({
            network: yield* cloud(lookedUp(Neutron.getNetwork(made.network_id))),
            subnet: yield* cloud(lookedUp(Neutron.getSubnet(made.subnet_id))),
            router: yield* cloud(lookedUp(Neutron.getRouter(made.router_id))),
            routerInterface: yield* cloud(lookedUp(Neutron.getPort(made.interface_port_id))),
            serverPort: yield* cloud(lookedUp(Neutron.getPort(serverPort.id))),
            floatingIp: yield* cloud(lookedUp(Neutron.getFloatingIp(server.floating_ips[0].id)))
          }).toEqual({
            network: "OpenStackNotFound",
            subnet: "OpenStackNotFound",
            router: "OpenStackNotFound",
            routerInterface: "OpenStackNotFound",
            serverPort: "OpenStackNotFound",
            floatingIp: "OpenStackNotFound"
          })
        }),
      { timeout: 300_000 }
    )
  })
})
