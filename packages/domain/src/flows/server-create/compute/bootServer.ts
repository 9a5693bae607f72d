import { type BlockDevice, Nova } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { taskTag, tokenKey } from "../../cloud/marks.js"
import { removeServer } from "../../cloud/remove.js"

export interface BootInput {
  readonly name: string
  readonly flavorId: string
  /** Boot from the image on the host's disk, or from this volume. */
  readonly from:
    | { readonly imageId: string }
    | { readonly volume: { readonly id: string; readonly deleteOnTermination: boolean } }
  readonly portIds: ReadonlyArray<string>
  readonly keyName: string | undefined
  readonly userData: string | undefined
  readonly metadata: Readonly<Record<string, string>> | undefined
  readonly availabilityZone: string | undefined
}

export const BootedServer = Schema.Struct({ id: Schema.String })
export type BootedServer = typeof BootedServer.Type

const bootFromVolume = (volume: {
  readonly id: string
  readonly deleteOnTermination: boolean
}): BlockDevice => ({
  sourceType: "volume",
  destinationType: "volume",
  uuid: volume.id,
  bootIndex: 0,
  deleteOnTermination: volume.deleteOnTermination
})

/**
 * Creates: the server on the ports (and from the volume), tagged with the task and carrying the token in
 * its metadata (Nova tags cannot hold it). Undo: deletes the server and waits until it is gone, which
 * frees its ports and volume for their own undos.
 */
export const bootServer = CloudStage.make({
  name: "bootServer",
  result: BootedServer,
  run: Effect.fn("ServerCreate.bootServer")(function* (input: BootInput, context: StageContext) {
    const token = context.idempotencyToken
    const server = yield* adoptOrCreate(
      context,
      Effect.map(
        Nova.listServers({
          name: input.name,
          tags: [taskTag(context.taskId)],
          metadata: { [tokenKey]: token }
        }),
        Arr.head
      ),
      Nova.createServer({
        name: input.name,
        flavorId: input.flavorId,
        networks: input.portIds.map((portId) => ({ portId })),
        ...("volume" in input.from
          ? { blockDevices: [bootFromVolume(input.from.volume)] }
          : { imageId: input.from.imageId }),
        ...(input.keyName === undefined ? {} : { keyName: input.keyName }),
        ...(input.userData === undefined ? {} : { userData: input.userData }),
        ...(input.availabilityZone === undefined ? {} : { availabilityZone: input.availabilityZone }),
        metadata: { ...input.metadata, [tokenKey]: token },
        tags: [taskTag(context.taskId)]
      })
    )
    return { id: server.id }
  }),
  compensate: (server) => removeServer(server.id)
})
