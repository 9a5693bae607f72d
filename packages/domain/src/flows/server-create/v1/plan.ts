import { Schema } from "effect"
import { CachedName } from "../names.js"
import { PlannedNetwork } from "../plan.js"

/**
 * What version 1's `resolveRequest` found: the request's names as ids (frozen: version 1's tasks stored
 * it). Version 2's plan says what the servers boot from instead of the image alone.
 */
export const Plan = Schema.Struct({
  image_id: Schema.String,
  flavor_id: Schema.String,
  volume_type_id: Schema.optional(Schema.String),
  networks: Schema.Array(PlannedNetwork),
  /** `imports`: the key is to be imported (and removed again on failure); else it exists already. */
  keypair: Schema.optional(Schema.Struct({ name: Schema.String, imports: Schema.Boolean })),
  /** The names whose ids came from the NameCache, to be confirmed while the servers are made. */
  cached_names: Schema.optional(Schema.Array(CachedName))
})
export type Plan = typeof Plan.Type
