/**
 * `DELETE /servers/{id}/volumes/{volume_id}?dry_run=true` (after the admission): the first stage's check
 * with the caller's session — the volume is detached, and deleted when Enamel made it for the server.
 */
import { Effect } from "effect"
import { planRefusal, removalPlan } from "../cloud/planRefusal.js"
import { attachedVolume } from "./attachedVolume.js"
import type { DetachVolumeRequest } from "./request.js"

export const planDetachVolume = ({ server_id, volume_id }: DetachVolumeRequest) =>
  attachedVolume(server_id, volume_id).pipe(
    Effect.map((found) =>
      removalPlan(
        { [`server:${server_id}`]: found.server_id, [`volume:${volume_id}`]: found.volume_id },
        found.created ? { volume: 1 } : {}
      )
    ),
    Effect.catchAll(planRefusal(`whether volume ${volume_id} is on server ${server_id}`))
  )
