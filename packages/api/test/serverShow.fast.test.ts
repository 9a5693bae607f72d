/**
 * `GET /servers/{id}` over the cloud double: alice's server with a port of her own carrying her floating
 * IP, and a volume Enamel made for it (its marks) beside one of hers, read in one answer with who made
 * each; another project's server is a 404, an id that is no UUID a 400.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Neutron, Nova, Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect, Layer } from "effect"
import { Fixtures, FixturesLive } from "./errorCases.js"
import { send, TestApi, TestCallers, tokens } from "./harness.js"

/** Alice's server on a port of hers with her floating IP, and two volumes attached: Enamel's and hers. */
const aliceServer = Effect.gen(function* () {
  const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (cloud) => cloud.seeded)
  const alice = (yield* TestCallers).alice.session
  return yield* Effect.gen(function* () {
    const port = yield* Neutron.createPort({
      networkId: seeded.networks["alpha/private"] ?? "",
      name: "show-port"
    })
    const publicNet = yield* Neutron.findNetwork("public")
    const floating = yield* Neutron.createFloatingIp({ networkId: publicNet.id, portId: port.id })
    const created = yield* Nova.createServer({
      name: "show",
      flavorId: seeded.flavors["m1.tiny"] ?? "",
      imageId: seeded.images.tiny ?? "",
      networks: [{ portId: port.id }]
    })
    yield* Nova.waitForServerActive(created.id)
    const task = crypto.randomUUID()
    const enamels = yield* Cinder.createVolume({
      size: 2,
      name: "show-data",
      metadata: { enamel_task: task, enamel_token: `enamel-${task}-createVolume`, enamel_server: created.id }
    })
    const hers = yield* Cinder.createVolume({ size: 1, name: "show-hers" })
    for (const volume of [enamels, hers]) {
      yield* Cinder.waitForVolumeAvailable(volume.id)
      yield* Nova.attachVolume(created.id, volume.id)
      yield* Cinder.waitForVolumeAttached(volume.id, created.id)
    }
    return {
      serverId: created.id,
      portId: port.id,
      floatingIp: floating,
      enamels: enamels.id,
      hers: hers.id,
      task
    }
  }).pipe(Effect.provideService(Session, alice), Effect.orDie)
})

describe("GET /servers/{id}", () => {
  layer(Layer.provideMerge(FixturesLive, TestApi), { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect(
      "reads the server with its flavor, image, volumes, ports and floating IPs, and who made each",
      () =>
        Effect.gen(function* () {
          const made = yield* aliceServer
          const answer = yield* send("GET", `/servers/${made.serverId}`, { token: tokens.alice })
          expect(answer.status).toBe(200)
          const { server } = answer.body as { server: Record<string, unknown> }
          expect(server).toMatchObject({
            id: made.serverId,
            name: "show",
            status: "ACTIVE",
            flavor: { name: "m1.tiny" },
            image: { name: "tiny" }
          })
          expect(server.volumes).toEqual(
            expect.arrayContaining([
              { id: made.enamels, device: "/dev/vdb", size_gb: 2, boot: false, task_id: made.task },
              { id: made.hers, device: "/dev/vdc", size_gb: 1, boot: false, task_id: null }
            ])
          )
          expect(server.ports).toEqual([
            {
              id: made.portId,
              network_id: expect.any(String),
              fixed_ips: [
                { subnet_id: expect.any(String), ip_address: expect.stringMatching(/^10\.0\.1\./) }
              ],
              security_groups: ["default"],
              floating_ips: [
                { id: made.floatingIp.id, address: made.floatingIp.floatingIpAddress, task_id: null }
              ],
              task_id: null
            }
          ])
        })
    )

    it.effect("another project's server is a 404 naming it; an id that is no UUID a 400", () =>
      Effect.gen(function* () {
        const { bobServer } = yield* Fixtures
        const other = yield* send("GET", `/servers/${bobServer}`, { token: tokens.alice })
        expect(other.status).toBe(404)
        expect(other.body).toMatchObject({
          errors: [{ code: "server.not_found", detail: `server ${bobServer} not found` }]
        })
        const bad = yield* send("GET", "/servers/show", { token: tokens.alice })
        expect(bad.status).toBe(400)
        expect(bad.body).toMatchObject({ errors: [{ code: "request.invalid" }] })
      })
    )
  })
})
