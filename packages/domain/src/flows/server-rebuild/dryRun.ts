/**
 * `POST /servers/{id}/rebuild?dry_run=true` (after the admission): the first stage's checks with the
 * caller's session — the image's id and the path the cloud's versions allow. Nova's rebuild (`rebuild`)
 * makes and deletes nothing; by replacement (`replace`) a new root volume of the old one's size and a new
 * server are made, the old server deleted and its old root too unless snapshots (backups) depend on it,
 * with Cinder's volumes and gigabytes quotas for the new root (409 `quota.exceeded`). The new server
 * replaces the old one, so Nova's quotas do not grow.
 */
import { Cinder } from "@enamel/openstack-clients"
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { planRefusal } from "../cloud/planRefusal.js"
import { checkQuotas } from "../cloud/quotas.js"
import { rebuildPlan } from "./checkRequest.js"
import type { RebuildRequest } from "./request.js"

export const planRebuild = (request: RebuildRequest) =>
  Effect.gen(function* () {
    const plan = yield* rebuildPlan(request)
    const resolved: Record<string, string> = {
      [`server:${request.server_id}`]: plan.server_id,
      [`image:${request.image}`]: plan.image_id,
      path: plan.path,
      boot_volume: plan.boot_volume_id
    }
    const old = plan.replace
    if (old === undefined) {
      const planned: Planned = { resolved, creates: {}, deletes: {}, quotas: [], quotas_unchecked: [] }
      return planned
    }
    const [check, snapshots] = yield* Effect.all(
      [
        checkQuotas({ volumes: 1, gigabytes: old.boot_volume.size_gb }),
        Cinder.listSnapshots({ volumeId: old.boot_volume.id })
      ],
      { concurrency: "unbounded" }
    )
    const planned: Planned = {
      resolved,
      creates: { server: 1, volume: 1 },
      deletes: { server: 1, volume: snapshots.length > 0 ? 0 : 1 },
      quotas: check.quotas,
      quotas_unchecked: check.quotas_unchecked
    }
    return planned
  }).pipe(Effect.catchAll(planRefusal(`whether server ${request.server_id} can be rebuilt`)))
