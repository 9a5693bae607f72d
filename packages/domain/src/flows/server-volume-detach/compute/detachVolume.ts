import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { requestDetach } from "../../cloud/volumeAttachments.js"
import { AttachedVolume } from "../checkAttachment.js"
import { BootVolumeRefused } from "../errors.js"

/**
 * Detaches: asks Nova to detach the volume, waiting while the server is busy (another attach or detach:
 * Nova's 409), and does not wait for Cinder (`waitVolumeDetached` does). Nova refusing a root device is
 * the boot volume after all. Undo: none; the user asked for the volume to be let go of, and a task that
 * fails later leaves it detached (asking again finishes the job). A re-run after a crash is harmless: a
 * volume no longer attached is detached already.
 */
export const detachVolume = CloudStage.make({
  name: "detachVolume",
  result: AttachedVolume,
  run: Effect.fn("ServerVolumeDetach.detachVolume")(function* (attached: AttachedVolume) {
    yield* requestDetach(attached.server_id, attached.volume_id).pipe(
      Effect.catchIf(
        (error) => error._tag === "OpenStackBadRequest" && /root device/i.test(error.message),
        () =>
          Effect.fail(new BootVolumeRefused({ serverId: attached.server_id, volumeId: attached.volume_id }))
      )
    )
    return attached
  })
})
