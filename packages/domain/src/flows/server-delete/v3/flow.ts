/**
 * `server.delete` version 3, the one new tasks get: the flow behind `DELETE /servers/{id}`. Removes the
 * server and everything Enamel made for it over its life (`findOwnedResources`): the floating IPs, ports
 * and boot volume `server.create` made, and the volumes attach tasks made for it since; what the user
 * brought is only let go of. Each stage either asks for a deletion (briefly) or only waits (`waits:
 * true`), so a cancel or a worker's shutdown cuts a wait off at once; a resumed run asks again harmlessly
 * and waits again. Nothing here can be undone, so no stage has an undo. Frozen once released: a change
 * makes version 4 beside it (see the package README). Versions 1 and 2: `v1/flow.ts`, `v2/flow.ts`.
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteFloatingIps } from "./deleteFloatingIps.js"
import { deletePorts } from "./deletePorts.js"
import { deleteServer } from "./deleteServer.js"
import { deleteVolumes } from "./deleteVolumes.js"
import { findOwnedResources } from "./findOwnedResources.js"
import { DeleteServerRequest, DeleteServerResult, type } from "./request.js"
import { waitServerDeleted } from "./waitServerDeleted.js"
import { waitVolumesDeletable } from "./waitVolumesDeletable.js"
import { waitVolumesDeleted } from "./waitVolumesDeleted.js"

export const flow = Flow.make({
  type,
  version: 3,
  params: DeleteServerRequest,
  result: DeleteServerResult,
  stages: {
    findOwnedResources,
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
      // 1. The server, and what Enamel made for it over its life (found by the marks it left on them).
      const found = yield* Flow.stage(findOwnedResources, server_id)
      // 2. Its floating IPs; alongside, the server: delete it → wait until it is gone.
      yield* Flow.parallel(
        Flow.stage(deleteFloatingIps, found.floating_ip_ids),
        Flow.stage(deleteServer, found.server_id).pipe(
          Effect.andThen(Flow.stage(waitServerDeleted, found.server_id))
        )
      )
      // 3. Its ports, now free; alongside, its volumes: wait until Cinder lets go of them (Nova detaches
      //    them with the server) → delete them → wait until they are gone.
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
