import { Cinder } from "@enamel/openstack-clients"
import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import { AttachedVolume } from "../checkAttachment.js"

/**
 * Waits until Cinder has let go of the volume (no longer attached to the server, not `detaching`);
 * `error_detaching` fails with Cinder's reason. Creates nothing.
 */
export const waitVolumeDetached = CloudStage.make({
  name: "waitVolumeDetached",
  result: AttachedVolume,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerVolumeDetach.waitVolumeDetached")(function* (attached: AttachedVolume) {
    yield* Cinder.waitForVolumeDetached(attached.volume_id, attached.server_id)
    return attached
  })
})
