/**
 * `server.delete` version 2, as released: tasks accepted before version 3 resume by it (frozen; see the
 * package README). Removes the server and the floating IPs, ports and boot volume `server.create` made for
 * it (version 3 also finds what later tasks attached), waiting for each to be gone.
 * Each stage either asks for a deletion (briefly) or only waits (`waits: true`), so a cancel or a worker's
 * shutdown cuts a wait off at once instead of waiting it out; a resumed run asks again harmlessly and
 * waits again. Nothing here can be undone, so no stage has an undo. Version 1 is `v1/flow.ts`.
 */
import { Effect } from "effect"
import * as Flow from "../../../engine/flow/Flow.js"
import { deleteFloatingIps } from "../deleteFloatingIps.js"
import { deletePorts } from "../deletePorts.js"
import { deleteServer } from "../deleteServer.js"
import { deleteVolumes } from "../deleteVolumes.js"
import { findServerResources } from "../findServerResources.js"
import { DeleteServerRequest, DeleteServerResult, type } from "../request.js"
import { waitServerDeleted } from "../waitServerDeleted.js"
import { waitVolumesDeletable } from "../waitVolumesDeletable.js"
import { waitVolumesDeleted } from "../waitVolumesDeleted.js"

export const flow = Flow.make({
  type,
  version: 2,
  params: DeleteServerRequest,
  result: DeleteServerResult,
  stages: {
    findServerResources,
    deleteFloatingIps,
    deleteServer,
    waitServerDeleted,
    deletePorts,
    waitVolumesDeletable,
    deleteVolumes,
    waitVolumesDeleted
  },
  program: ({ server_id }) =>
    Effect.gen(function* () {
      // 1. The server, and what Enamel made for it (found by the marks it left on them).
      const found = yield* Flow.stage(findServerResources, server_id)
      // 2. Its floating IPs; alongside, the server: delete it → wait until it is gone.
      yield* Flow.parallel(
        Flow.stage(deleteFloatingIps, found.floating_ip_ids),
        Flow.stage(deleteServer, found.server_id).pipe(
          Effect.andThen(Flow.stage(waitServerDeleted, found.server_id))
        )
      )
      // 3. Its ports, now free; alongside, its boot volume: wait until Cinder lets go of it → delete it →
      //    wait until it is gone.
      yield* Flow.parallel(
        Flow.stage(deletePorts, found.port_ids),
        Flow.stage(waitVolumesDeletable, found.volume_ids).pipe(
          Effect.andThen(Flow.stage(deleteVolumes, found.volume_ids)),
          Effect.andThen(Flow.stage(waitVolumesDeleted, found.volume_ids))
        )
      )
      return found
    })
})
