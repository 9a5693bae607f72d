import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { requestServerDelete } from "../cloud/remove.js"

/**
 * Deletes: asks Nova to delete the server, and does not wait (`waitServerDeleted` does). Undo: none, a
 * deletion cannot be undone. Asking again for a server Nova is deleting, or that is gone, is harmless.
 */
export const deleteServer = CloudStage.make({
  name: "deleteServer",
  result: Schema.String,
  run: Effect.fn("ServerDelete.deleteServer")(function* (id: string) {
    yield* requestServerDelete(id)
    return id
  })
})
