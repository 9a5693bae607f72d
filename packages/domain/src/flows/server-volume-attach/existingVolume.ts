import { Cinder } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { cloudUnavailable } from "../cloud/servers.js"
import { VolumeNotAvailable, VolumeNotFound } from "./errors.js"

/** The caller's volume, `available` to be attached (not attached anywhere, not busy). */
export const availableVolume = Effect.fn("ServerVolumeAttach.availableVolume")(function* (volumeId: string) {
  const volume = yield* Cinder.getVolume(volumeId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new VolumeNotFound({ volumeId })))
  )
  if (volume.status !== "available" || volume.attachments.length > 0) {
    return yield* new VolumeNotAvailable({
      volumeId,
      status: volume.status,
      attachedTo: volume.attachments.map((a) => a.serverId)
    })
  }
  return volume
})

/** Admission: the existing volume is the caller's (404) and available (409). */
export const admitAvailableVolume = (volumeId: string) =>
  availableVolume(volumeId).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "VolumeNotFound":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "VolumeNotAvailable":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether volume ${volumeId} exists`, error))
      }
    })
  )
