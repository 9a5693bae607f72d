import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removeRouterInterfaceUntilGone } from "../cloud/neutronRemoval.js"
import type { RouterInterface } from "./findNetworkTopology.js"

/**
 * Deletes: takes each router interface on the network's subnets off its router (Enamel's router or the
 * user's), and waits until its port is gone. Undo: none, a deletion cannot be undone. An interface gone
 * already (a re-run after a crash) is done. Answers the interface ports removed.
 */
export const removeRouterInterfaces = CloudStage.make({
  name: "removeRouterInterfaces",
  result: Schema.Array(Schema.String),
  run: Effect.fn("NetworkDelete.removeRouterInterfaces")(function* (
    interfaces: ReadonlyArray<RouterInterface>
  ) {
    yield* Effect.forEach(interfaces, (i) => removeRouterInterfaceUntilGone(i.router_id, i.port_id), {
      concurrency: "unbounded",
      discard: true
    })
    return interfaces.map((i) => i.port_id)
  })
})
