import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"

export interface RebuildInput {
  readonly plan: { readonly server_id: string; readonly image_id: string }
  readonly keypair: string | undefined
  readonly userData: string | undefined
}

export const Rebuilding = Schema.Struct({ server_id: Schema.String, image_id: Schema.String })
export type Rebuilding = typeof Rebuilding.Type

/** Nova's task states while it rebuilds a server. */
const rebuilding = (taskState: string | null) => taskState?.startsWith("rebuild") === true

/**
 * Changes: the server's root, by Nova's rebuild at microversion 2.93 (Cinder reimages the boot volume
 * from the image; the server keeps its id, ports, addresses, flavor, metadata and volumes). A later
 * attempt that finds the server rebuilding already lets that rebuild go on; one that does not asks
 * again, which ends the same (the root is the image's either way). Undo: none — the old root's contents
 * are gone once Cinder reimages it; a failure before Nova accepted the rebuild leaves the server as it was.
 */
export const rebuildServer = CloudStage.make({
  name: "rebuildServer",
  result: Rebuilding,
  run: Effect.fn("ServerRebuild.rebuildServer")(function* (input: RebuildInput, context: StageContext) {
    const { plan } = input
    const underWay = context.attempt > 1 && rebuilding((yield* Nova.getServer(plan.server_id)).taskState)
    if (!underWay) {
      yield* Nova.rebuildServer(plan.server_id, {
        imageId: plan.image_id,
        ...(input.keypair === undefined ? {} : { keyName: input.keypair }),
        ...(input.userData === undefined ? {} : { userData: input.userData })
      })
    }
    const result: Rebuilding = { server_id: plan.server_id, image_id: plan.image_id }
    return result
  })
})
