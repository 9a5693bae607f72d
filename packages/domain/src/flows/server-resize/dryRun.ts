/**
 * `POST /servers/{id}/resize?dry_run=true` (after the admission): the new flavor's id, nothing made, and
 * Nova's cores and RAM quotas for the increase from the old flavor (409 `quota.exceeded`).
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { resizeChecked } from "./checkRequest.js"
import type { ResizeServerRequest } from "./request.js"

export const planResize = (request: ResizeServerRequest) =>
  resizeChecked(request).pipe(
    Effect.map(
      ({ check, plan }): Planned => ({
        resolved: {
          [`server:${request.server_id}`]: plan.server_id,
          [`flavor:${request.flavor}`]: plan.flavor.id,
          ...(plan.previous_flavor.id === null
            ? {}
            : { [`flavor:${plan.previous_flavor.name}`]: plan.previous_flavor.id })
        },
        creates: {},
        deletes: {},
        quotas: check.quotas,
        quotas_unchecked: check.quotas_unchecked
      })
    ),
    Effect.catchAll(planRefusal(`whether server ${request.server_id} can be resized`))
  )
