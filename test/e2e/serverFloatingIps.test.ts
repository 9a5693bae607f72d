/**
 * Floating IPs put on and taken off a server, end to end on the dev cloud through the real API and a
 * worker, checked in Neutron as alice: one on the first free port, 409 once every port has one, a detach
 * of alice's own floating IP keeping it, and DELETE /servers/{id} releasing Enamel's and keeping alice's.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Neutron, Nova } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { asAlice, enamelServing, refused, succeeds } from "./attach.js"
import { deleteUserKeysAtEnd, tokenOf } from "./enamel.js"

const Enamel = enamelServing("e2e-fips", {
  "server.create": 2,
  "server.delete": 2,
  "server.floating_ip.attach": 2,
  "server.floating_ip.detach": 2
})

describe("server floating IPs end to end on the dev cloud", () => {
  layer(Enamel, { timeout: 600_000, excludeTestServices: true })((it) => {
    it.scoped(
      "on the first free port, 409 when none is free, detach of alice's keeps it, DELETE keeps alice's",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          const cloud = asAlice(alice)
          yield* deleteUserKeysAtEnd(alice)
          const token = yield* tokenOf(alice)
          const name = uniqueName("e2e-fip")

          const created = (yield* succeeds("POST", "/servers", token, {
            name,
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: "private" }, { network: "private" }]
          })) as {
            readonly servers: ReadonlyArray<{
              readonly id: string
              readonly ports: ReadonlyArray<{ readonly id: string }>
            }>
          }
          const server = created.servers[0]
          const [port0, port1] = server?.ports ?? []
          if (server === undefined || port0 === undefined || port1 === undefined)
            return yield* Effect.dieMessage("no server with two ports was made")
          yield* Effect.addFinalizer(() => cloud(Nova.deleteServer(server.id)).pipe(Effect.ignore))

          // Enamel's, on the first port without one: in Neutron on that port, marked for the server.
          const made = (yield* succeeds("POST", `/servers/${server.id}/floating-ips`, token, {
            network: "public"
          })) as { readonly floating_ip_id: string; readonly address: string; readonly port_id: string }
          const enamels = yield* cloud(Neutron.getFloatingIp(made.floating_ip_id))
          expect([port0.id, port1.id]).toContain(enamels.portId)
          expect(enamels.portId).toBe(made.port_id)
          expect(enamels.tags).toContain(`enamel_server=${server.id}`)
          const freePort = made.port_id === port0.id ? port1.id : port0.id

          // Alice's own, on the other port: now no port is free.
          const publicNet = yield* cloud(Neutron.findNetwork("public"))
          const own = yield* cloud(Neutron.createFloatingIp({ networkId: publicNet.id, portId: freePort }))
          yield* Effect.addFinalizer(() => cloud(Neutron.deleteFloatingIp(own.id)).pipe(Effect.ignore))
          const full = yield* refused("POST", `/servers/${server.id}/floating-ips`, token, {
            network: "public"
          })
          expect(full.status).toBe(409)
          expect(full.code).toBe("floating_ip.no_free_port")
          const stranger = crypto.randomUUID()
          const notOn = yield* refused("DELETE", `/servers/${server.id}/floating-ips/${stranger}`, token)
          expect(notOn.status).toBe(404)
          expect(notOn.detail).toContain(stranger)

          // Alice's taken off: kept, on no port. Put back by her, then the server deleted.
          expect(yield* succeeds("DELETE", `/servers/${server.id}/floating-ips/${own.id}`, token)).toEqual({
            floating_ip_id: own.id,
            deleted: false
          })
          expect((yield* cloud(Neutron.getFloatingIp(own.id))).portId).toBeNull()
          yield* cloud(Neutron.associateFloatingIp(own.id, freePort))
          yield* succeeds("DELETE", `/servers/${server.id}`, token)
          const gone = yield* cloud(
            Neutron.getFloatingIp(made.floating_ip_id).pipe(
              Effect.map(Option.some),
              Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
            )
          )
          expect(Option.isNone(gone)).toBe(true)
          const kept = yield* cloud(Neutron.getFloatingIp(own.id))
          expect(kept.portId).toBeNull()
        })
    )
  })
})
