/** What the volume checklists share: one server to attach to, and alice acting on the cloud herself. */
import { ServerCreate } from "@enamel/domain/flows"
import { Cinder, HttpTransport, OpenStackClients, type Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect, Layer, Schema } from "effect"
import { runToEnd, succeeded, type World } from "./harness.js"

/** `web`, booted from a 1 GiB volume of `tiny`, on `private`. */
export const webRequest = Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
  name: "web",
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 1 },
  networks: [{ network: "private" }]
})

/** Builds `web` with server.create; its id and its boot volume's. */
export const buildWeb = (world: World) =>
  Effect.gen(function* () {
    const made = yield* succeeded(
      yield* runToEnd(world, ServerCreate.flow, { taskId: crypto.randomUUID(), params: webRequest })
    )
    const web = made.servers[0]
    if (web === undefined || web.volume_id === undefined) return yield* Effect.dieMessage("web was not built")
    return { serverId: web.id, bootVolumeId: web.volume_id }
  })

/** Runs `effect` as alice herself, on the world's cloud (not through Enamel). */
export const asAlice = <A, E>(
  world: World,
  effect: Effect.Effect<A, E, OpenStackClients.OpenStackClients | Session>
) =>
  effect.pipe(
    Effect.provide(
      Layer.merge(OpenStackClients.layerWithoutTransport, CloudDouble.sessionLayer("alice")).pipe(
        Layer.provideMerge(Layer.succeed(HttpTransport.HttpTransport, world.cloud.transport)),
        Layer.provideMerge(CloudDouble.layerFastSettings)
      )
    ),
    Effect.withClock(world.clock)
  )

/** A volume alice makes herself (not Enamel's: no marks), waited until available. */
export const aliceVolume = (world: World, name: string) =>
  asAlice(
    world,
    Effect.gen(function* () {
      const volume = yield* Cinder.createVolume({ size: 1, name })
      yield* Cinder.waitForVolumeAvailable(volume.id)
      return volume.id
    })
  )
