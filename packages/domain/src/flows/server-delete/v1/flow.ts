/**
 * `server.delete` version 1, as released: tasks accepted before version 2 resume by it, so its stage
 * paths and result schemas stay exactly as they are (frozen; see the package README). Its `deleteServer`
 * and `deleteVolumes` both act and wait, and so run to their end through a worker's shutdown.
 */
import { Effect } from "effect"
import * as Flow from "../../../engine/flow/Flow.js"
import { deleteFloatingIps } from "../deleteFloatingIps.js"
import { deletePorts } from "../deletePorts.js"
import { findServerResources } from "../findServerResources.js"
import { DeleteServerRequest, DeleteServerResult, type } from "../request.js"
import { deleteServer } from "./deleteServer.js"
import { deleteVolumes } from "./deleteVolumes.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: DeleteServerRequest,
  result: DeleteServerResult,
  stages: { findServerResources, deleteFloatingIps, deleteServer, deletePorts, deleteVolumes },
  program: ({ server_id }) =>
    Effect.gen(function* () {
      // 1. The server, and what Enamel made for it (found by the marks it left on them).
      const found = yield* Flow.stage(findServerResources, server_id)
      // 2. Its floating IPs, and the server itself (waiting until it is gone).
      yield* Flow.parallel(
        Flow.stage(deleteFloatingIps, found.floating_ip_ids),
        Flow.stage(deleteServer, found.server_id)
      )
      // 3. Then its ports and its boot volume, now free.
      yield* Flow.parallel(
        Flow.stage(deletePorts, found.port_ids),
        Flow.stage(deleteVolumes, found.volume_ids)
      )
      return found
    })
})
