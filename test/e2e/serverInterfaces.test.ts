/**
 * Interfaces attached to and detached from a server, end to end on the dev cloud through the real API and
 * a worker, checked in Neutron as alice: two attaches at once on one server (a new port with a floating
 * IP, and alice's own port), detach of alice's port keeping it, and DELETE /servers/{id} removing the port
 * and floating IP Enamel made while keeping alice's port.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Neutron, Nova, type OpenStackClients, type Session } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { asAlice, enamelServing, succeeds } from "./attach.js"
import { deleteUserKeysAtEnd, tokenOf } from "./enamel.js"

const Enamel = enamelServing("e2e-ifaces", {
  "server.create": 2,
  "server.delete": 2,
  "server.interface.attach": 4,
  "server.interface.detach": 4
})

interface AttachResult {
  readonly port_id: string
  readonly fixed_ips: ReadonlyArray<string>
  readonly floating_ip?: { readonly id: string; readonly address: string }
  readonly created: boolean
}

describe("server interfaces end to end on the dev cloud", () => {
  layer(Enamel, { timeout: 600_000, excludeTestServices: true })((it) => {
    it.scoped("two attaches at once, detach of alice's port keeps it, DELETE keeps alice's port", () =>
      Effect.gen(function* () {
        const alice = yield* sessionFor("alice")
        const cloud = asAlice(alice)
        yield* deleteUserKeysAtEnd(alice)
        const token = yield* tokenOf(alice)
        const name = uniqueName("e2e-if")
        const privateNet = yield* cloud(Neutron.findNetwork("private"))
        const own = yield* cloud(Neutron.createPort({ networkId: privateNet.id, name: `${name}-own` }))
        yield* Effect.addFinalizer(() => cloud(Neutron.deletePort(own.id)).pipe(Effect.ignore))

        const created = (yield* succeeds("POST", "/servers", token, {
          name,
          image: "tiny",
          flavor: "m1.tiny",
          networks: [{ network: "private" }]
        })) as { readonly servers: ReadonlyArray<{ readonly id: string }> }
        const server = created.servers[0]
        if (server === undefined) return yield* Effect.dieMessage("no server was made")
        yield* Effect.addFinalizer(() => cloud(Nova.deleteServer(server.id)).pipe(Effect.ignore))

        const [made, mine] = (yield* Effect.all(
          [
            succeeds("POST", `/servers/${server.id}/interfaces`, token, {
              network: "private",
              floating_ip: { network: "public" }
            }),
            succeeds("POST", `/servers/${server.id}/interfaces`, token, { port: own.id })
          ],
          { concurrency: "unbounded" }
        )) as ReadonlyArray<AttachResult>
        if (made === undefined || mine === undefined) return yield* Effect.dieMessage("no attach result")
        expect(made.created).toBe(true)
        expect(mine).toMatchObject({ port_id: own.id, created: false })
        // In the cloud: both bound to the server; the floating IP on the new port; Enamel's marked.
        const madePort = yield* cloud(Neutron.getPort(made.port_id))
        expect(madePort.deviceId).toBe(server.id)
        expect(madePort.tags).toContain(`enamel_server=${server.id}`)
        expect((yield* cloud(Neutron.getPort(own.id))).deviceId).toBe(server.id)
        const floating = yield* cloud(Neutron.getFloatingIp(made.floating_ip?.id ?? ""))
        expect(floating.portId).toBe(made.port_id)
        const interfaces = (yield* cloud(Nova.listInterfaces(server.id))).map((i) => i.portId)
        expect(interfaces).toEqual(expect.arrayContaining([made.port_id, own.id]))

        // Alice's port detached: kept, bound to nothing.
        expect(yield* succeeds("DELETE", `/servers/${server.id}/interfaces/${own.id}`, token)).toEqual({
          port_id: own.id,
          deleted: false,
          released_floating_ip_ids: []
        })
        expect((yield* cloud(Neutron.getPort(own.id))).deviceId).toBe("")

        // Attached again, then the server deleted: Enamel's port and floating IP go, alice's port stays.
        yield* succeeds("POST", `/servers/${server.id}/interfaces`, token, { port: own.id })
        yield* succeeds("DELETE", `/servers/${server.id}`, token)
        const found = <A>(
          effect: Effect.Effect<A, { readonly _tag: string }, Session | OpenStackClients.OpenStackClients>
        ) =>
          cloud(
            effect.pipe(
              Effect.map(Option.some),
              Effect.catchIf(
                (e) => e._tag === "OpenStackNotFound",
                () => Effect.succeedNone
              )
            )
          )
        expect(Option.isNone(yield* found(Neutron.getPort(made.port_id)))).toBe(true)
        expect(Option.isNone(yield* found(Neutron.getFloatingIp(made.floating_ip?.id ?? "")))).toBe(true)
        const kept = yield* cloud(Neutron.getPort(own.id))
        expect(kept.deviceId).toBe("")
      })
    )
  })
})
