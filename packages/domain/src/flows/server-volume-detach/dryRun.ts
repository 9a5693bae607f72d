/**
 * `DELETE /servers/{id}/volumes/{volume_id}?dry_run=true` (after the admission): the first stage's check
 * with the caller's session — the volume is detached, and deleted when Enamel made it for the server.
 */
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { attachedVolume } from "./attachedVolume.js"
import type { DetachVolumeRequest } from "./request.js"

export const planDetachVolume = (request: DetachVolumeRequest) =>
  attachedVolume(request.server_id, request.volume_id).pipe(
    Effect.map(
      (found): Planned => ({
        resolved: {
          [`server:${request.server_id}`]: found.server_id,
          [`volume:${request.volume_id}`]: found.volume_id
        },
        creates: {},
        deletes: found.created ? { volume: 1 } : {},
        quotas: [],
        quotas_unchecked: []
      })
    ),
    Effect.catchAll(planRefusal(`whether volume ${request.volume_id} is on server ${request.server_id}`))
  )
