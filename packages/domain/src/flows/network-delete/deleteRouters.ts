import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removeRouterUntilGone } from "../cloud/neutronRemoval.js"

/**
 * Deletes: the routers Enamel made for the network that nothing else uses (with their gateway on the
 * external network), now without interfaces, and waits until each is gone; never a router the user
 * brought. Undo: none, a deletion cannot be undone. A router gone already (a re-run after a crash) is done.
 */
export const deleteRouters = CloudStage.make({
  name: "deleteRouters",
  result: Schema.Array(Schema.String),
  run: Effect.fn("NetworkDelete.deleteRouters")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, removeRouterUntilGone, { concurrency: "unbounded", discard: true })
    return ids
  })
})
