import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { waitRetry } from "../cloud/schedules.js"

/**
 * Waits until Cinder lets go of each volume: detached from the deleted server and in a status its owner
 * may delete from (or already being deleted by Nova, or gone). Creates nothing, so a cancel or a worker's
 * shutdown cuts it off at once; a resumed run waits again.
 */
export const waitVolumesDeletable = CloudStage.make({
  name: "waitVolumesDeletable",
  result: Schema.Array(Schema.String),
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerDelete.waitVolumesDeletable")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, (id) => Cinder.waitForVolumeDeletable(id), {
      concurrency: "unbounded",
      discard: true
    })
    return ids
  })
})
