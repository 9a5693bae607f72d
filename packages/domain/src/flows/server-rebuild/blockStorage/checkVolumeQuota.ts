import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { volumeShortfall } from "../../cloud/limits.js"
import { RebuildOverQuota } from "../errors.js"

/**
 * Checks, before anything is made: Cinder's quota allows one more volume of the old root's size (volumes
 * and gigabytes; -1 is no limit; limits the caller may not read leave it to Cinder). Creates nothing.
 */
export const checkVolumeQuota = CloudStage.make({
  name: "checkVolumeQuota",
  result: Schema.Struct({ size_gb: Schema.Number }),
  run: Effect.fn("ServerRebuild.checkVolumeQuota")(function* (sizeGb: number) {
    const shortfall = yield* volumeShortfall(1, sizeGb)
    if (shortfall._tag === "Some") return yield* new RebuildOverQuota(shortfall.value)
    return { size_gb: sizeGb }
  })
})
