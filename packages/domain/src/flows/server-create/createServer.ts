import { Deferred, Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createBootVolume } from "./blockStorage/createBootVolume.js"
import { waitVolumeAvailable } from "./blockStorage/waitVolumeAvailable.js"
import { bootServer } from "./compute/bootServer.js"
import { waitServerActive } from "./compute/waitServerActive.js"
import { createFloatingIp } from "./network/createFloatingIp.js"
import { type AttachedPort, createPort } from "./network/createPort.js"
import type { Plan, PlannedNetwork } from "./plan.js"
import type { CreateServersRequest } from "./request.js"
import type { CreatedServer } from "./result.js"

export interface ServerInput {
  readonly name: string
  readonly request: CreateServersRequest
  readonly plan: Plan
  readonly keyName: string | undefined
  /** Completed once this server's ports exist (by the first server to get there). */
  readonly portsMade?: Deferred.Deferred<void>
}

/** The boot volume, created from the image and then waited for; none when the request boots from the image. */
const bootVolume = ({ name, request, plan }: ServerInput) => {
  const asked = request.boot_volume
  if (asked === undefined) return Effect.succeed(undefined)
  return Effect.gen(function* () {
    const volume = yield* Flow.stage(createBootVolume, {
      serverName: name,
      imageId: plan.image_id,
      sizeGb: asked.size_gb,
      volumeTypeId: plan.volume_type_id
    })
    yield* Flow.stage(waitVolumeAvailable, volume)
    return { id: volume.id, deleteOnTermination: asked.delete_on_termination }
  })
}

/** A new port on the network, or the user's own port as it is. */
const port = (serverName: string, network: PlannedNetwork, index: number) => {
  const existing = network.existing_port
  return existing === undefined
    ? Flow.stage(createPort, { name: `${serverName}-port${index}`, network })
    : Effect.succeed<AttachedPort>({ ...existing, network_id: network.network_id, created: false })
}

/**
 * One server's checklist: its boot volume and its ports at the same time → boot → ACTIVE. Each port's
 * floating IP is made as soon as that port exists, alongside the boot.
 */
export const createServer = (input: ServerInput) =>
  Effect.gen(function* () {
    const { name, request, plan } = input
    // The boot waits for every port; each network branch hands its port over as soon as it has it.
    const networks = yield* Effect.forEach(plan.networks, (network) =>
      Effect.map(Deferred.make<AttachedPort>(), (portReady) => ({ network, portReady }))
    )
    const [booted, attached] = yield* Flow.parallel(
      Effect.gen(function* () {
        const [volume, ports] = yield* Flow.parallel(
          bootVolume(input),
          Effect.forEach(networks, ({ portReady }) => Deferred.await(portReady)).pipe(
            Effect.tap(() =>
              input.portsMade === undefined ? Effect.void : Deferred.succeed(input.portsMade, undefined)
            )
          )
        )
        const server = yield* Flow.stage(bootServer, {
          name,
          flavorId: plan.flavor_id,
          imageId: plan.image_id,
          volume,
          portIds: ports.map((p) => p.id),
          keyName: input.keyName,
          userData: request.user_data,
          metadata: request.metadata,
          availabilityZone: request.availability_zone
        })
        const active = yield* Flow.stage(waitServerActive, server)
        return { volume, server, active }
      }),
      Flow.forEach(
        "network",
        networks,
        ({ network, portReady }, index) =>
          Effect.gen(function* () {
            const attachedPort = yield* port(name, network, index)
            yield* Deferred.succeed(portReady, attachedPort)
            const floatingNetworkId = network.floating_network_id
            const floatingIp =
              floatingNetworkId === undefined
                ? undefined
                : yield* Flow.stage(createFloatingIp, {
                    portId: attachedPort.id,
                    networkId: floatingNetworkId
                  })
            return { port: attachedPort, floatingIp }
          }),
        { concurrency: Math.max(1, networks.length) }
      )
    )
    const created: CreatedServer = {
      name,
      id: booted.server.id,
      volume_id: booted.volume?.id,
      ports: attached.map((a) => a.port),
      floating_ips: attached.flatMap((a) => (a.floatingIp === undefined ? [] : [a.floatingIp])),
      addresses: booted.active.addresses
    }
    return created
  })
