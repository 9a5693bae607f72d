import { Schema } from "effect"
import { PlannedNetwork, planFields } from "../plan.js"

/**
 * What version 2's `resolveRequest` found: the request's names as ids, and what the servers boot from
 * (frozen: version 2's tasks stored it). Version 3's plan may also hold NICs on the default network.
 */
export const Plan = Schema.Struct(planFields(PlannedNetwork))
export type Plan = typeof Plan.Type
