import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removeSubnetUntilGone } from "../cloud/neutronRemoval.js"

/**
 * Deletes: the network's subnets, now without router interfaces, and waits until each is gone. Undo:
 * none, a deletion cannot be undone. A subnet gone already (a re-run after a crash) is done.
 */
export const deleteSubnets = CloudStage.make({
  name: "deleteSubnets",
  result: Schema.Array(Schema.String),
  run: Effect.fn("NetworkDelete.deleteSubnets")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, removeSubnetUntilGone, { concurrency: "unbounded", discard: true })
    return ids
  })
})
