import { Effect, Schema } from "effect"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"

/** A volume attached to a server, as Nova's `os-volume_attachments` shows it (2.89+: no `id`). */
export const ServerVolumeAttachment = Schema.Struct({
  volumeId: Schema.String,
  serverId: Schema.String,
  /** The device Nova chose (`/dev/vdb`); may be null while the attach is under way. */
  device: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  /** Cinder's attachment (2.89+). */
  attachmentId: Schema.optional(Schema.NullOr(Schema.String)).pipe(Schema.fromKey("attachment_id")),
  /** Whether Nova deletes the volume with the server (shown from 2.79; false before). */
  deleteOnTermination: Schema.optionalWith(Schema.Boolean, { default: () => false }).pipe(
    Schema.fromKey("delete_on_termination")
  )
})
export type ServerVolumeAttachment = typeof ServerVolumeAttachment.Type

const AttachmentBody = Schema.Struct({ volumeAttachment: ServerVolumeAttachment })
const AttachmentsBody = Schema.Struct({ volumeAttachments: Schema.Array(ServerVolumeAttachment) })

export const makeVolumeAttachmentOperations = (api: ServiceApi) => {
  const path = (serverId: string) => `servers/${segment(serverId)}/os-volume_attachments`

  /**
   * Asks Nova to attach the volume to the server; the attach goes on after the answer (the volume is
   * `attaching`, then `in-use`: wait with `Cinder.waitForVolumeAttached`). Nova answers 409 while the
   * server has a task state, or while the volume is not `available`.
   */
  const attachVolume = Effect.fn("Nova.attachVolume")(function* (serverId: string, volumeId: string) {
    const body = yield* api.json(
      { method: "POST", path: path(serverId), json: { volumeAttachment: { volumeId } } },
      AttachmentBody
    )
    return body.volumeAttachment
  })

  /** The volumes attached to the server (its boot volume among them). */
  const listVolumeAttachments = Effect.fn("Nova.listVolumeAttachments")(function* (serverId: string) {
    return (yield* api.json({ method: "GET", path: path(serverId) }, AttachmentsBody)).volumeAttachments
  })

  /**
   * Asks Nova to detach the volume from the server; the detach goes on after the answer (wait with
   * `Cinder.waitForVolumeDetached`). 404 when it is not attached to that server.
   */
  const detachVolume = Effect.fn("Nova.detachVolume")(function* (serverId: string, volumeId: string) {
    yield* api.discard({ method: "DELETE", path: `${path(serverId)}/${segment(volumeId)}` })
  })

  /**
   * Changes whether Nova deletes the attached volume with the server (microversion 2.85+; a server's
   * owner may, unlike swapping the volume, which is an admin's).
   */
  const setDeleteOnTermination = Effect.fn("Nova.setDeleteOnTermination")(function* (
    serverId: string,
    volumeId: string,
    deleteOnTermination: boolean
  ) {
    yield* api.discard({
      method: "PUT",
      path: `${path(serverId)}/${segment(volumeId)}`,
      json: { volumeAttachment: { volumeId, delete_on_termination: deleteOnTermination } }
    })
  })

  return { attachVolume, listVolumeAttachments, detachVolume, setDeleteOnTermination }
}
