import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removeVolume } from "../cloud/remove.js"

/**
 * Deletes the boot volume Enamel made for the server, whatever its delete_on_termination (that setting
 * is about Nova's own delete; this porcelain delete removes what was made for the server), and waits
 * until it is gone. Cannot be undone.
 */
export const deleteVolumes = CloudStage.make({
  name: "deleteVolumes",
  result: Schema.Array(Schema.String),
  run: Effect.fn("ServerDelete.deleteVolumes")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, removeVolume, { concurrency: "unbounded", discard: true })
    return ids
  })
})
