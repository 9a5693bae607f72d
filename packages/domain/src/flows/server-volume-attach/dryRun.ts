/**
 * `POST /servers/{id}/volumes?dry_run=true` (after the admission: the server, an existing volume, a
 * snapshot): the names of a new volume resolved (image, volume type), what would be made (one volume, or
 * nothing for an existing one), and Cinder's volumes and gigabytes quotas for it (409 `quota.exceeded`).
 */
import { Cinder, Glance, type OpenStackError } from "@enamel/openstack-clients"
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { Conflict } from "../../contract/errors.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { checkQuotas, type QuotaExceeded, quotaRefusal } from "../cloud/quotas.js"
import type { AttachVolumeRequest } from "./request.js"

/** A name that does not resolve (or to several): the request's problem, as the first stage would say. */
const unresolved =
  (what: string, name: string) =>
  (error: OpenStackError): Effect.Effect<never, Conflict | OpenStackError> =>
    error._tag === "OpenStackNotFound" || error._tag === "OpenStackConflict"
      ? Effect.fail(
          new Conflict({
            code: ErrorCode.serverRequestUnresolved,
            detail:
              error._tag === "OpenStackNotFound"
                ? `${what} ${name} not found`
                : `${what} ${name}: ${error.message}`
          })
        )
      : Effect.fail(error)

export const planAttach = (request: AttachVolumeRequest) =>
  Effect.gen(function* () {
    const resolved: Record<string, string> = { [`server:${request.server_id}`]: request.server_id }
    if (request.volume !== undefined) {
      resolved[`volume:${request.volume}`] = request.volume
      const planned: Planned = { resolved, creates: {}, deletes: {}, quotas: [], quotas_unchecked: [] }
      return planned
    }
    const volumeType = request.volume_type
    if (volumeType !== undefined) {
      const found = yield* Cinder.findVolumeType(volumeType).pipe(
        Effect.catchAll(unresolved("volume type", volumeType))
      )
      resolved[`volume_type:${volumeType}`] = found.id
    }
    const image = request.image
    if (image !== undefined) {
      const found = yield* Glance.findImage(image).pipe(Effect.catchAll(unresolved("image", image)))
      resolved[`image:${image}`] = found.id
    }
    const snapshot = request.snapshot
    const sizeGb =
      request.size_gb ??
      (snapshot === undefined
        ? 1
        : (yield* Cinder.getSnapshot(snapshot).pipe(Effect.catchAll(unresolved("snapshot", snapshot)))).size)
    const check = yield* checkQuotas({ volumes: 1, gigabytes: sizeGb })
    const planned: Planned = {
      resolved,
      creates: { volume: 1 },
      deletes: {},
      quotas: check.quotas,
      quotas_unchecked: check.quotas_unchecked
    }
    return planned
  }).pipe(
    Effect.catchAll((error: Conflict | QuotaExceeded | OpenStackError) =>
      Effect.fail(error._tag === "Conflict" ? error : quotaRefusal(error))
    )
  )
