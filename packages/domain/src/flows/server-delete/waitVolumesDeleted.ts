import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { waitRetry } from "../cloud/schedules.js"

/**
 * Waits until each volume is gone; `error_deleting` fails with Cinder's reason. Creates nothing, so a
 * cancel or a worker's shutdown cuts it off at once; a resumed run waits again.
 */
export const waitVolumesDeleted = CloudStage.make({
  name: "waitVolumesDeleted",
  result: Schema.Array(Schema.String),
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerDelete.waitVolumesDeleted")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, (id) => Cinder.waitForVolumeDeleted(id), {
      concurrency: "unbounded",
      discard: true
    })
    return ids
  })
})
