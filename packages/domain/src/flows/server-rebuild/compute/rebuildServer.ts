import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { rebuildTokenKey } from "../../cloud/marks.js"

export interface RebuildInput {
  readonly plan: { readonly server_id: string; readonly image_id: string }
  readonly keypair: string | undefined
  readonly userData: string | undefined
}

export const Rebuilding = Schema.Struct({ server_id: Schema.String, image_id: Schema.String })
export type Rebuilding = typeof Rebuilding.Type

/**
 * Changes: the server's root, by Nova's rebuild at microversion 2.93 (Cinder reimages the boot volume
 * from the image; the server keeps its id, ports, addresses, flavor, metadata and volumes). The request
 * carries the server's metadata with the stage's token under `enamel_rebuild_token`: Nova writes it with
 * the REBUILD state, so an attempt that finds its token on the server knows that Nova took this stage's
 * rebuild (still running or finished) and does not ask for a second one. Undo: none — the old root's
 * contents are gone once Cinder reimages it; a failure before Nova accepted the rebuild leaves the server
 * as it was.
 */
export const rebuildServer = CloudStage.make({
  name: "rebuildServer",
  result: Rebuilding,
  run: Effect.fn("ServerRebuild.rebuildServer")(function* (input: RebuildInput, context: StageContext) {
    const { plan } = input
    const server = yield* Nova.getServer(plan.server_id)
    if (server.metadata[rebuildTokenKey] !== context.idempotencyToken) {
      yield* Nova.rebuildServer(plan.server_id, {
        imageId: plan.image_id,
        metadata: { ...server.metadata, [rebuildTokenKey]: context.idempotencyToken },
        ...(input.keypair === undefined ? {} : { keyName: input.keypair }),
        ...(input.userData === undefined ? {} : { userData: input.userData })
      })
    }
    const result: Rebuilding = { server_id: plan.server_id, image_id: plan.image_id }
    return result
  })
})
