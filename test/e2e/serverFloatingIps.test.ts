/**
 * Floating IPs put on and taken off a server, end to end on the dev cloud through the real API and a
 * worker, checked in Neutron as alice: one on the first free port, 409 once every port has one, a detach
 * of alice's own floating IP keeping it, and DELETE /servers/{id} releasing Enamel's and keeping alice's.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Neutron, Nova, type OpenStackClients, Session, type SessionShape } from "@enamel/openstack-clients"
import { Effect, Layer, Option } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import { call, deleteUserKeysAtEnd, enamelApi, finished, inProcessWorkerSettings, tokenOf } from "./enamel.js"

const namespace = uniqueName("e2e-fips")
const topics = ["server.create", "server.delete", "server.floating_ip.attach", "server.floating_ip.detach"]
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics, own: true })))

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(
    inProcessWorkerSettings(namespace, [
      [
        "ENAMEL_WORKER_TOPICS",
        "server.create=2,server.delete=2,server.floating_ip.attach=2,server.floating_ip.detach=2"
      ]
    ])
  )
)

interface Accepted {
  readonly task: { readonly id: string }
}
interface ErrorAnswer {
  readonly errors: ReadonlyArray<{ readonly code: string; readonly detail: string }>
}

const asAlice =
  (alice: SessionShape) =>
  <A, E>(effect: Effect.Effect<A, E, Session | OpenStackClients.OpenStackClients>) =>
    Effect.provideService(effect, Session, alice)

/** Sends a porcelain call, expects 202, and waits for its task to succeed; its result. */
const succeeds = (method: string, path: string, token: string, body?: unknown) =>
  Effect.gen(function* () {
    const accepted = yield* call(method, path, token, body)
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202)
    const task = yield* finished((accepted.body as Accepted).task.id, token)
    expect(task.state, JSON.stringify(task.error)).toBe("SUCCEEDED")
    return task.result as unknown
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
          const full = yield* call("POST", `/servers/${server.id}/floating-ips`, token, { network: "public" })
          expect(full.status).toBe(409)
          expect((full.body as ErrorAnswer).errors[0]?.code).toBe("floating_ip.no_free_port")
          const stranger = crypto.randomUUID()
          const notOn = yield* call("DELETE", `/servers/${server.id}/floating-ips/${stranger}`, token)
          expect(notOn.status).toBe(404)
          expect((notOn.body as ErrorAnswer).errors[0]?.detail).toContain(stranger)

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
