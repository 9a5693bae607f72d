import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { serverKey } from "../cloud/marks.js"
import { MovedMarks, moveServerMarks, moveServerMarksBack } from "./ownership.js"

export interface RemarkInput {
  readonly previousServerId: string
  readonly serverId: string
  /** The new root, made by this task: marked as the new server's, so `server.delete` removes it. */
  readonly bootVolumeId: string
}

export const RemarkedResources = Schema.Struct({
  previous_server_id: Schema.String,
  server_id: Schema.String,
  moved: MovedMarks
})

/**
 * Changes: the marks that carry the old server's id (ports, floating IPs and volumes that attach tasks
 * made, the snapshots of its backup sets) now carry the new server's (see `ownership.ts`), and the new
 * root carries the server mark. Undo: moves them back to the old id (the old server's return then moves
 * them to its new id).
 */
export const remarkResources = CloudStage.make({
  name: "remarkResources",
  result: RemarkedResources,
  run: Effect.fn("ServerRebuild.remarkResources")(function* (input: RemarkInput) {
    yield* Cinder.setVolumeMetadata(input.bootVolumeId, { [serverKey]: input.serverId })
    const moved = yield* moveServerMarks(input.previousServerId, input.serverId)
    return {
      previous_server_id: input.previousServerId,
      server_id: input.serverId,
      // The new root is the new server's own, whatever becomes of the marks.
      moved: { ...moved, volume_ids: moved.volume_ids.filter((id) => id !== input.bootVolumeId) }
    }
  }),
  compensate: (remarked) =>
    moveServerMarksBack(remarked.moved, remarked.previous_server_id, remarked.server_id)
})
