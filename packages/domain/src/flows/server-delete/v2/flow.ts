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
import { findServerResources } from "../findServerResources.js"
import { removeFound, removeFoundStages } from "../removeFound.js"
import { DeleteServerRequest, DeleteServerResult, type } from "../request.js"

export const flow = Flow.make({
  type,
  version: 2,
  params: DeleteServerRequest,
  result: DeleteServerResult,
  stages: { findServerResources, ...removeFoundStages },
  program: ({ server_id }) =>
    Effect.gen(function* () {
      // 1. The server, and what Enamel made for it (found by the marks it left on them).
      const found = yield* Flow.stage(findServerResources, server_id)
      // 2. Its floating IPs and the server; 3. its ports and boot volume.
      yield* removeFound(found)
      return found
    })
})
