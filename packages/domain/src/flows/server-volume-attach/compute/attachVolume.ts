import { Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { findAttachment, removeAttachment, requestAttach } from "../../cloud/volumeAttachments.js"

export interface AttachInput {
  readonly serverId: string
  readonly volumeId: string
}

export const Attachment = Schema.Struct({
  server_id: Schema.String,
  volume_id: Schema.String,
  /** The device Nova chose, if it said. */
  device: Schema.NullOr(Schema.String)
})
export type Attachment = typeof Attachment.Type

/**
 * Creates: the volume's attachment to the server (Nova), waiting while the server is busy (another attach
 * or detach: Nova's 409). A later attempt first looks for the attachment an earlier one asked for, so a
 * volume is never attached twice. Undo: detaches it and waits until Cinder lets go of it; a volume the
 * user brought is then as it was, a new one is deleted by `createVolume`'s undo.
 */
export const attachVolume = CloudStage.make({
  name: "attachVolume",
  result: Attachment,
  run: Effect.fn("ServerVolumeAttach.attachVolume")(function* (input: AttachInput, context: StageContext) {
    const earlier = context.attempt === 1 ? undefined : yield* findAttachment(input.serverId, input.volumeId)
    const attached = earlier ?? (yield* requestAttach(input.serverId, input.volumeId))
    const attachment: Attachment = {
      server_id: input.serverId,
      volume_id: input.volumeId,
      device: attached.device
    }
    return attachment
  }),
  compensate: (attachment) => removeAttachment(attachment.server_id, attachment.volume_id)
})
