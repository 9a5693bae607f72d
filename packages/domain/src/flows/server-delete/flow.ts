/**
 * `server.delete` version 1: the flow behind `DELETE /servers/{id}`. Removes the server and the floating IPs,
 * ports and boot volume Enamel made for it, waiting for each to be gone. Nothing here can be undone, so
 * no stage has an undo; every stage succeeds when its things are already gone, so a re-run finishes
 * the job.
 */
import { Effect, Schema } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { deleteFloatingIps } from "./deleteFloatingIps.js"
import { deletePorts } from "./deletePorts.js"
import { deleteServer } from "./deleteServer.js"
import { deleteVolumes } from "./deleteVolumes.js"
import { findServerResources } from "./findServerResources.js"

export const type = "server.delete"

export const DeleteServerRequest = Schema.Struct({ server_id: Schema.NonEmptyTrimmedString })
export type DeleteServerRequest = typeof DeleteServerRequest.Type

export const DeleteServerResult = Schema.Struct({
  server_id: Schema.String,
  floating_ip_ids: Schema.Array(Schema.String),
  port_ids: Schema.Array(Schema.String),
  volume_ids: Schema.Array(Schema.String)
})

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
