/**
 * `server.delete` version 3, as released: tasks accepted before version 4 resume by it (frozen; see the
 * package README). Removes the server and everything Enamel made for it over its life
 * (`findOwnedResources`): the floating IPs, ports and boot volume `server.create` made, and the volumes
 * attach tasks made for it since; what the user brought is only let go of. Each stage either asks for a
 * deletion (briefly) or only waits (`waits: true`), so a cancel or a worker's shutdown cuts a wait off at
 * once; a resumed run asks again harmlessly and waits again. Nothing here can be undone, so no stage has
 * an undo. Versions 1 and 2: `v1/flow.ts`, `v2/flow.ts`.
 */
import { Effect } from "effect"
import * as Flow from "../../../engine/flow/Flow.js"
import { findOwnedResources } from "../findOwnedResources.js"
import { removeFound, removeFoundStages } from "../removeFound.js"
import { DeleteServerRequest, DeleteServerResult, type } from "../request.js"

export const flow = Flow.make({
  type,
  version: 3,
  params: DeleteServerRequest,
  result: DeleteServerResult,
  stages: { findOwnedResources, ...removeFoundStages },
  program: ({ server_id }) =>
    Effect.gen(function* () {
      // 1. The server, and what Enamel made for it over its life (found by the marks it left on them).
      const found = yield* Flow.stage(findOwnedResources, server_id)
      // 2. Its floating IPs and the server; 3. its ports and volumes.
      yield* removeFound(found)
      return found
    })
})
