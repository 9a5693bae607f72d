import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { removeServer } from "../../cloud/remove.js"

/**
 * Version 1's: deletes the server and waits until it is gone, which frees its ports and volumes. Cannot be
 * undone. Acts and waits in one stage, so it is not cut off by a shutdown: version 2 splits it.
 */
export const deleteServer = CloudStage.make({
  name: "deleteServer",
  result: Schema.String,
  run: Effect.fn("ServerDelete.v1.deleteServer")(function* (id: string) {
    yield* removeServer(id)
    return id
  })
})
