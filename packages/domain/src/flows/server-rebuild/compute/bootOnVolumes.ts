/**
 * Booting the server being replaced again, from a root volume and its other volumes, on its ports: the new
 * server (from the new root), and the undo's (from the old root). Both carry the old server's name,
 * flavor, metadata with Enamel's marks, tags and keypair, and the booting stage's token (`rebuildTokenKey`)
 * by which a re-run adopts the server instead of booting a second one.
 */
import { type BlockDevice, Nova } from "@enamel/openstack-clients"
import { Array as Arr, Effect } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import { rebuildTokenKey } from "../../cloud/marks.js"
import type { KeptVolume, ReplacedServer } from "../checkRequest.js"

export interface BootOnVolumes {
  readonly server: ReplacedServer
  readonly root: KeptVolume
  /** The other volumes, in their order (devices `/dev/vdb`, … after the root). */
  readonly volumes: ReadonlyArray<KeptVolume>
  readonly keyName: string | null
  readonly userData: string | undefined
}

const device = (volume: KeptVolume, bootIndex: number | undefined): BlockDevice => ({
  sourceType: "volume",
  destinationType: "volume",
  uuid: volume.id,
  ...(bootIndex === undefined ? {} : { bootIndex }),
  deleteOnTermination: volume.delete_on_termination
})

/** The server an earlier attempt of the stage booted, if any. */
export const findBooted = (server: ReplacedServer, context: StageContext) =>
  Effect.map(
    Nova.listServers({ name: server.name, metadata: { [rebuildTokenKey]: context.idempotencyToken } }),
    Arr.head
  )

/** Boots the server (or adopts the one an earlier attempt of the stage booted); its id. */
export const bootOnVolumes = Effect.fn("ServerRebuild.bootOnVolumes")(function* (
  input: BootOnVolumes,
  context: StageContext
) {
  const { server } = input
  const booted = yield* adoptOrCreate(
    context,
    findBooted(server, context),
    Nova.createServer({
      name: server.name,
      flavorId: server.flavor_id,
      networks: server.port_ids.map((portId) => ({ portId })),
      blockDevices: [device(input.root, 0), ...input.volumes.map((volume) => device(volume, undefined))],
      ...(input.keyName === null ? {} : { keyName: input.keyName }),
      ...(input.userData === undefined ? {} : { userData: input.userData }),
      ...(server.availability_zone === null ? {} : { availabilityZone: server.availability_zone }),
      metadata: { ...server.metadata, [rebuildTokenKey]: context.idempotencyToken },
      tags: server.tags
    })
  )
  return booted.id
})
