import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"

/** Waits until the volume is gone; `error_deleting` fails with Cinder's reason. Creates nothing. */
export const waitVolumeDeleted = CloudStage.make({
  name: "waitVolumeDeleted",
  result: Schema.String,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerVolumeDetach.waitVolumeDeleted")(function* (volumeId: string) {
    yield* Cinder.waitForVolumeDeleted(volumeId)
    return volumeId
  })
})
