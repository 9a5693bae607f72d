/**
 * `DELETE /servers/{id}?dry_run=true` (after the admission, which refuses a server with backups unless
 * `delete_backups=true`): the first stage's search with the caller's session — the server, and what Enamel
 * made for it over its life (floating IPs, ports, volumes), with its backup sets when they go too.
 */
import { Effect } from "effect"
import { listBackupSets } from "../cloud/backupSets.js"
import { planRefusal, removalPlan } from "../cloud/planRefusal.js"
import { ownedResources } from "./findOwnedResources.js"
import type { DeleteServerWithBackupsRequest } from "./request.js"

export const planDeleteServer = (request: DeleteServerWithBackupsRequest) =>
  Effect.gen(function* () {
    const found = yield* ownedResources(request.server_id)
    const sets = request.delete_backups === true ? yield* listBackupSets(found.server_id) : []
    const deletes: Record<string, number> = { server: 1 }
    const counted: ReadonlyArray<readonly [string, number]> = [
      ["floating_ip", found.floating_ip_ids.length],
      ["port", found.port_ids.length],
      ["volume", found.volume_ids.length],
      ["backup", sets.length],
      ["snapshot", sets.reduce((sum, set) => sum + set.snapshots.length, 0)]
    ]
    for (const [kind, count] of counted) if (count > 0) deletes[kind] = count
    return removalPlan({ [`server:${request.server_id}`]: found.server_id }, deletes)
  }).pipe(Effect.catchAll(planRefusal(`what server ${request.server_id} has`)))
