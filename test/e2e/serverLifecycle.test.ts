/**
 * The whole product against the dev cloud: alice's POST /servers through the real API (Keystone token,
 * key in Barbican, task + outbox in PostgreSQL, RabbitMQ), a real worker running server.create with her
 * key, the progress as Server-Sent Events, then DELETE /servers/{id} removing everything Enamel made.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Cinder, Neutron, Nova, type OpenStackClients, Session } from "@enamel/openstack-clients"
import { Effect, Layer, Redacted } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import {
  call,
  cloudCount,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  inProcessWorkerSettings,
  type TaskBody
} from "./enamel.js"

const namespace = uniqueName("e2e")
// After the layer (and its consumers) closed: the test's queues and exchanges go too.
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(inProcessWorkerSettings(namespace))
)

describe("Enamel end to end on the dev cloud", () => {
  layer(Enamel, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped(
      "POST /servers builds a server with volume, port and floating IP; DELETE /servers/{id} removes it all",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const token = Redacted.value((yield* alice.authentication).token)
          const name = uniqueName("e2e")
          const accepted = yield* call("POST", "/servers", token, {
            name,
            image: "tiny",
            flavor: "m1.tiny",
            boot_volume: { size_gb: 1 },
            networks: [{ network: "private", floating_ip: { network: "public" } }]
          })
          expect(accepted.status).toBe(202)
          const taskId = (accepted.body as TaskBody).task.id
          // The live event stream, read to its end while the worker runs the task.
          const events = yield* call("GET", `/tasks/${taskId}/events`, token)
          expect(String(events.body)).toContain("event: stage")
          expect(String(events.body)).toContain('"state":"SUCCEEDED"')

          const task = yield* finished(taskId, token)
          expect(task.state).toBe("SUCCEEDED")
          const built = task.result.servers[0]
          expect(built?.volume_id).toBeDefined()
          expect(built?.floating_ips[0]?.address).toMatch(/^172\.24\.4\./)
          expect(task.timeline.filter((e) => e.state === "SUCCEEDED").length).toBeGreaterThan(5)
          expect(task.timeline.some((e) => e.request_ids.length > 0)).toBe(true)
          if (built === undefined) return

          // In the cloud, as alice: ACTIVE, booted from the volume, the floating IP on its port.
          const server = yield* Nova.getServer(built.id).pipe(Effect.provideService(Session, alice))
          expect(server.status).toBe("ACTIVE")
          const volume = yield* Cinder.getVolume(built.volume_id ?? "").pipe(
            Effect.provideService(Session, alice)
          )
          expect(volume.status).toBe("in-use")

          const deleting = yield* call("DELETE", `/servers/${built.id}`, token)
          expect(deleting.status).toBe(202)
          const deleted = yield* finished((deleting.body as TaskBody).task.id, token)
          expect(deleted.state).toBe("SUCCEEDED")
          expect(yield* cloudCount(taskId, alice)).toEqual({
            servers: 0,
            volumes: 0,
            ports: 0,
            floatingIps: 0
          })
          const gone = (
            effect: Effect.Effect<
              unknown,
              { readonly _tag: string },
              Session | OpenStackClients.OpenStackClients
            >
          ) => Effect.map(Effect.flip(Effect.provideService(effect, Session, alice)), (e) => e._tag)
          expect(yield* gone(Nova.getServer(built.id))).toBe("OpenStackNotFound")
          expect(yield* gone(Cinder.getVolume(built.volume_id ?? ""))).toBe("OpenStackNotFound")
          for (const port of built.ports)
            expect(yield* gone(Neutron.getPort(port.id))).toBe("OpenStackNotFound")
        })
    )
  })
})
