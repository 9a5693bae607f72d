/**
 * What versions 2, 3 and 4 do once the server and what Enamel made for it are found: the same stages at
 * the same paths in each (their shape files pin that), written once.
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteFloatingIps } from "./deleteFloatingIps.js"
import { deletePorts } from "./deletePorts.js"
import { deleteServer } from "./deleteServer.js"
import { deleteVolumes } from "./deleteVolumes.js"
import type { ServerResources } from "./findServerResources.js"
import { waitServerDeleted } from "./waitServerDeleted.js"
import { waitVolumesDeletable } from "./waitVolumesDeletable.js"
import { waitVolumesDeleted } from "./waitVolumesDeleted.js"

/** The stages `removeFound` runs, for the checklists of the versions that use it. */
export const removeFoundStages = {
  deleteFloatingIps,
  deleteServer,
  waitServerDeleted,
  deletePorts,
  waitVolumesDeletable,
  deleteVolumes,
  waitVolumesDeleted
}

export const removeFound = (found: ServerResources) =>
  Effect.gen(function* () {
    // Its floating IPs; alongside, the server: delete it → wait until it is gone.
    yield* Flow.parallel(
      Flow.stage(deleteFloatingIps, found.floating_ip_ids),
      Flow.stage(deleteServer, found.server_id).pipe(
        Effect.andThen(Flow.stage(waitServerDeleted, found.server_id))
      )
    )
    // Its ports, now free; alongside, its volumes: wait until Cinder lets go of them (Nova detaches them
    // with the server) → delete them → wait until they are gone.
    yield* Flow.parallel(
      Flow.stage(deletePorts, found.port_ids),
      Flow.stage(waitVolumesDeletable, found.volume_ids).pipe(
        Effect.andThen(Flow.stage(deleteVolumes, found.volume_ids)),
        Effect.andThen(Flow.stage(waitVolumesDeleted, found.volume_ids))
      )
    )
  })
