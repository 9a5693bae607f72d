import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removeServer } from "../cloud/remove.js"

/** Deletes the server and waits until it is gone, which frees its ports and volumes. Cannot be undone. */
export const deleteServer = CloudStage.make({
  name: "deleteServer",
  result: Schema.String,
  run: Effect.fn("ServerDelete.deleteServer")(function* (id: string) {
    yield* removeServer(id)
    return id
  })
})
