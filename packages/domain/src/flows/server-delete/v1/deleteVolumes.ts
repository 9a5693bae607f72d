import { Effect, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { removeVolume } from "../../cloud/remove.js"

/**
 * Version 1's: deletes the boot volume Enamel made for the server, whatever its delete_on_termination
 * (that setting is about Nova's own delete; this porcelain delete removes what was made for the server),
 * waiting for it to be deletable first and then until it is gone. Cannot be undone. Acts and waits in one
 * stage, so it is not cut off by a shutdown: version 2 splits it.
 */
export const deleteVolumes = CloudStage.make({
  name: "deleteVolumes",
  result: Schema.Array(Schema.String),
  run: Effect.fn("ServerDelete.v1.deleteVolumes")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, removeVolume, { concurrency: "unbounded", discard: true })
    return ids
  })
})
