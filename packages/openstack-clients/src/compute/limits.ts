import { Effect, Schema } from "effect"
import type { ServiceApi } from "../http/ServiceApi.js"

/**
 * The project's compute limits and use (`GET /limits`, `absolute`); -1 is no limit. Nova does not count
 * key pairs there (they are the user's): `listKeypairs` does.
 */
export const ComputeLimits = Schema.Struct({
  maxTotalInstances: Schema.Number,
  totalInstancesUsed: Schema.Number,
  maxTotalCores: Schema.Number,
  totalCoresUsed: Schema.Number,
  /** MiB */
  maxTotalRAMSize: Schema.Number,
  /** MiB */
  totalRAMUsed: Schema.Number,
  maxTotalKeypairs: Schema.Number
})
export type ComputeLimits = typeof ComputeLimits.Type
const LimitsBody = Schema.Struct({ limits: Schema.Struct({ absolute: ComputeLimits }) })

export const makeComputeLimitOperations = (api: ServiceApi) => {
  /** The project's instance, core, RAM and key-pair limits, and what it uses of the first three. */
  const getComputeLimits = Effect.fn("Nova.getComputeLimits")(function* () {
    return (yield* api.json({ method: "GET", path: "limits" }, LimitsBody)).limits.absolute
  })
  return { getComputeLimits }
}
