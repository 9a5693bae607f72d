import { Array as Arr, Deferred, Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createBootVolume } from "./blockStorage/createBootVolume.js"
import { waitVolumeAvailable } from "./blockStorage/waitVolumeAvailable.js"
import { type BootInput, bootServer } from "./compute/bootServer.js"
import { waitServerActive } from "./compute/waitServerActive.js"
import { createFloatingIp } from "./network/createFloatingIp.js"
import { type AttachedPort, createPort } from "./network/createPort.js"
import type { Boot, PlannedNetwork } from "./plan.js"
import type { CreateServersRequest } from "./request.js"
import type { CreatedServer } from "./result.js"

/** What every server of a request is made of, as either version's request and plan give it. */
export interface ServersSpec {
  readonly request: Pick<CreateServersRequest, "user_data" | "metadata" | "availability_zone">
  readonly boot: Boot
  readonly flavorId: string
  readonly networks: ReadonlyArray<PlannedNetwork>
  readonly keyName: string | undefined
}

export interface ServerInput extends ServersSpec {
  readonly name: string
  /** Opened once this server's ports all exist (the first server to get there opens it). */
  readonly portsMade?: Effect.Latch
}

/**
 * What the server boots from: the image, or its boot volume, created from the image or the snapshot and
 * then waited for.
 */
const bootFrom = ({ name, boot }: ServerInput) =>
  Effect.gen(function* () {
    if (boot._tag === "image") {
      const fromImage: BootInput["from"] = { imageId: boot.image_id }
      return fromImage
    }
    const volume = yield* Flow.stage(createBootVolume, {
      serverName: name,
      source: boot.source,
      sizeGb: boot.size_gb,
      volumeTypeId: boot.volume_type_id
    })
    yield* Flow.stage(waitVolumeAvailable, volume)
    const fromVolume: BootInput["from"] = {
      volume: { id: volume.id, deleteOnTermination: boot.delete_on_termination }
    }
    return fromVolume
  })

/** A new port on the network, or the user's own port as it is. */
const port = (serverName: string, network: PlannedNetwork, index: number) => {
  const existing = network.existing_port
  return existing === undefined
    ? Flow.stage(createPort, { name: `${serverName}-port${index}`, network })
    : Effect.succeed<AttachedPort>({ ...existing, network_id: network.network_id, created: false })
}

/** The port's floating IP, when the request asked for one on that network. */
const floatingIp = (attached: AttachedPort, network: PlannedNetwork) => {
  const networkId = network.floating_network_id
  return networkId === undefined
    ? Effect.succeed(undefined)
    : Flow.stage(createFloatingIp, { portId: attached.id, networkId })
}

/** One network of the server, handing its port on (see `portHandOff`). */
interface NetworkHandOff {
  readonly network: PlannedNetwork
  readonly handOn: (port: AttachedPort) => Effect.Effect<unknown>
}

/**
 * The port hand-off: how a server's boot gets its ports without waiting for their floating IPs. Each
 * network's branch hands its port on as soon as it exists and goes on to its floating IP; `all` waits
 * for every port (only), and then opens `portsMade`.
 */
const portHandOff = (networks: ReadonlyArray<PlannedNetwork>, portsMade: Effect.Latch | undefined) =>
  Effect.map(
    Effect.forEach(networks, () => Deferred.make<AttachedPort>()),
    (handed) => ({
      networks: Arr.zipWith(
        networks,
        handed,
        (network, port): NetworkHandOff => ({
          network,
          handOn: (attached) => Deferred.succeed(port, attached)
        })
      ),
      /** Every port, in the networks' order, once all exist. */
      all: Effect.forEach(handed, (port) => Deferred.await(port)).pipe(
        Effect.tap(() => portsMade?.open ?? Effect.void)
      )
    })
  )

/** The boot volume while the ports are made → boot on the volume and every port → ACTIVE. */
const boot = (input: ServerInput, ports: Effect.Effect<ReadonlyArray<AttachedPort>>) =>
  Effect.gen(function* () {
    const { name, request } = input
    const [from, portList] = yield* Flow.parallel(bootFrom(input), ports)
    const server = yield* Flow.stage(bootServer, {
      name,
      flavorId: input.flavorId,
      from,
      portIds: portList.map((p) => p.id),
      keyName: input.keyName,
      userData: request.user_data,
      metadata: request.metadata,
      availabilityZone: request.availability_zone
    })
    const active = yield* Flow.stage(waitServerActive, server)
    return { volumeId: "volume" in from ? from.volume.id : undefined, server, active }
  })

/** One network: its port, handed on to the boot as soon as it exists → its floating IP. */
const attach = (serverName: string, { network, handOn }: NetworkHandOff, index: number) =>
  Effect.gen(function* () {
    const attachedPort = yield* port(serverName, network, index)
    yield* handOn(attachedPort)
    return { port: attachedPort, floatingIp: yield* floatingIp(attachedPort, network) }
  })

/**
 * One server's checklist: its boot volume while its ports are made → boot on them → ACTIVE. Each port's
 * floating IP is made as soon as that port exists, alongside the boot.
 */
export const createServer = (input: ServerInput) =>
  Effect.gen(function* () {
    const ports = yield* portHandOff(input.networks, input.portsMade)
    const [booted, attached] = yield* Flow.parallel(
      boot(input, ports.all),
      Flow.forEach("network", ports.networks, (network, index) => attach(input.name, network, index), {
        concurrency: Math.max(1, ports.networks.length)
      })
    )
    const created: CreatedServer = {
      name: input.name,
      id: booted.server.id,
      volume_id: booted.volumeId,
      ports: attached.map((a) => a.port),
      floating_ips: attached.flatMap((a) => (a.floatingIp === undefined ? [] : [a.floatingIp])),
      addresses: booted.active.addresses
    }
    return created
  })
