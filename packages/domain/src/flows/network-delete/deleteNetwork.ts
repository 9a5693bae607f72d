import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removeNetworkUntilGone } from "../cloud/neutronRemoval.js"

/**
 * Deletes: the network itself (Neutron removes DHCP's port with it), and waits until it is gone. Undo:
 * none, a deletion cannot be undone. A network gone already (a re-run after a crash) is done.
 */
export const deleteNetwork = CloudStage.make({
  name: "deleteNetwork",
  result: Schema.String,
  run: Effect.fn("NetworkDelete.deleteNetwork")(function* (id: string) {
    yield* removeNetworkUntilGone(id)
    return id
  })
})
