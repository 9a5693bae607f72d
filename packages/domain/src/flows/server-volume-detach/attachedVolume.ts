import { Cinder, Nova, type Volume } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { madeForServer } from "../cloud/marks.js"
import { cloudUnavailable, isBootDevice, usableServer } from "../cloud/servers.js"
import { BootVolumeRefused, VolumeNotAttached } from "./errors.js"

/**
 * The volume as attached to the server: the server is the caller's and ACTIVE or SHUTOFF, the volume is
 * attached to it (Nova's attachments), or is Enamel's for it and left half detached, and is not its boot
 * volume. `created`: Enamel made it for this server (its Cinder metadata), so detaching deletes it.
 */
export const attachedVolume = Effect.fn("ServerVolumeDetach.attachedVolume")(function* (
  serverId: string,
  volumeId: string
) {
  const server = yield* usableServer(serverId)
  const notAttached = new VolumeNotAttached({ serverId, volumeId })
  const attachments = yield* Nova.listVolumeAttachments(server.id)
  const attachment = attachments.find((a) => a.volumeId === volumeId)
  if (attachment !== undefined && isBootDevice(server, attachment.device)) {
    return yield* new BootVolumeRefused({ serverId, volumeId })
  }
  const volume = yield* Cinder.getVolume(volumeId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(notAttached))
  )
  const created = madeForServer(volume.metadata, server.id)
  if (attachment === undefined && !(created && unfinishedDetach(volume, server.id))) return yield* notAttached
  return { server_id: server.id, volume_id: volume.id, created }
})

/**
 * A detach of Enamel's volume that stopped after Nova let go of it and before the volume was deleted (a
 * failure or a crash there): attached to no other server and not being deleted. Asking again finishes it.
 */
const unfinishedDetach = (volume: Volume, serverId: string): boolean =>
  volume.status !== "deleting" && volume.attachments.every((a) => a.serverId === serverId)

/** Admission: the same, as API refusals (404 naming the server or the volume, 409 for the boot volume). */
export const admitAttachedVolume = (serverId: string, volumeId: string) =>
  attachedVolume(serverId, volumeId).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "ServerNotFound":
        case "VolumeNotAttached":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "ServerNotReady":
        case "BootVolumeRefused":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether volume ${volumeId} is attached to ${serverId}`, error))
      }
    })
  )
