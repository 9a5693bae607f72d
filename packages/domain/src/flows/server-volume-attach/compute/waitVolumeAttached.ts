import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import type { Attachment } from "./attachVolume.js"

/**
 * Waits until Cinder shows the volume `in-use` on the server, and gives the device it is attached as;
 * `error_attaching` fails with Cinder's reason.
 */
export const waitVolumeAttached = CloudStage.make({
  name: "waitVolumeAttached",
  result: Schema.Struct({ device: Schema.NullOr(Schema.String) }),
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerVolumeAttach.waitVolumeAttached")(function* (attachment: Attachment) {
    const attached = yield* Cinder.waitForVolumeAttached(attachment.volume_id, attachment.server_id)
    return { device: attached.device }
  })
})
