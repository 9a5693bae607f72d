import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import type { CreatedVolume } from "./createVolume.js"

/** Waits until the new volume is `available` (Nova attaches only that); `error` fails with Cinder's reason. */
export const waitVolumeAvailable = CloudStage.make({
  name: "waitVolumeAvailable",
  result: Schema.Struct({ id: Schema.String }),
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerVolumeAttach.waitVolumeAvailable")(function* (volume: CreatedVolume) {
    yield* Cinder.waitForVolumeAvailable(volume.id)
    return { id: volume.id }
  })
})
