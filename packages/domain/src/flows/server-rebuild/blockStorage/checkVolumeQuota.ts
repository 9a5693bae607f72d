import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { blockStorageLimits, exceeds } from "../../cloud/limits.js"
import { RebuildOverQuota } from "../errors.js"

/**
 * Checks, before anything is made: Cinder's quota allows one more volume of the old root's size (volumes
 * and gigabytes; -1 is no limit; limits the caller may not read leave it to Cinder). Creates nothing.
 */
export const checkVolumeQuota = CloudStage.make({
  name: "checkVolumeQuota",
  result: Schema.Struct({ size_gb: Schema.Number }),
  run: Effect.fn("ServerRebuild.checkVolumeQuota")(function* (sizeGb: number) {
    const found = yield* blockStorageLimits
    if (found._tag === "Some") {
      const limits = found.value
      if (exceeds(limits.maxTotalVolumes, limits.totalVolumesUsed, 1)) {
        return yield* new RebuildOverQuota({
          quota: "volumes",
          limit: limits.maxTotalVolumes,
          used: limits.totalVolumesUsed,
          needed: 1
        })
      }
      if (exceeds(limits.maxTotalVolumeGigabytes, limits.totalGigabytesUsed, sizeGb)) {
        return yield* new RebuildOverQuota({
          quota: "gigabytes",
          limit: limits.maxTotalVolumeGigabytes,
          used: limits.totalGigabytesUsed,
          needed: sizeGb
        })
      }
    }
    return { size_gb: sizeGb }
  })
})
