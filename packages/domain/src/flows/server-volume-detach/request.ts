/** What a `server.volume.detach` task is given (`DELETE /servers/{id}/volumes/{volume_id}`) and gives back. */
import { Schema } from "effect"

export const type = "server.volume.detach"

export const DetachVolumeRequest = Schema.Struct({
  server_id: Schema.NonEmptyTrimmedString,
  volume_id: Schema.NonEmptyTrimmedString
})
export type DetachVolumeRequest = typeof DetachVolumeRequest.Type

export const DetachVolumeResult = Schema.Struct({
  volume_id: Schema.String,
  /** Whether the volume was deleted: Enamel made it for this server. A volume the user brought is kept. */
  deleted: Schema.Boolean
})
