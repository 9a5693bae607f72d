/**
 * What a `server.volume.attach` task is given (`POST /servers/{id}/volumes`: the body, and the server's
 * id from the path) and gives back.
 */
import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { Text } from "../../contract/text.js"

export const type = "server.volume.attach"

/** A name or a UUID of a cloud resource, as the cloud's own APIs accept it. */
const NameOrId = Text.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(255)).annotations({
  description: "name or id"
})

const fields = {
  size_gb: Schema.optional(
    Schema.Int.pipe(Schema.between(1, 16384)).annotations({ description: "a new volume of this size (GiB)" })
  ),
  name: Schema.optional(Text.pipe(Schema.maxLength(255))),
  volume_type: Schema.optional(NameOrId),
  image: Schema.optional(NameOrId.annotations({ description: "the new volume's image (name or id)" })),
  snapshot: Schema.optional(
    Schema.UUID.annotations({ description: "the new volume's snapshot (its size when size_gb is left out)" })
  ),
  volume: Schema.optional(
    Schema.UUID.annotations({ description: "an existing volume of the project, attached as it is" })
  ),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
}

type Fields = Schema.Struct.Type<typeof fields>

/** Version 1's: a new volume (`size_gb`, from an image or a snapshot or empty) or an existing one (`volume`). */
const exactlyOneVolumeV1 = (r: Fields) =>
  (r.size_gb === undefined) !== (r.volume === undefined) || "must give exactly one of size_gb or volume"

/**
 * A new volume (`size_gb`, or `snapshot` whose size it then takes; from an image or a snapshot or empty)
 * or an existing one (`volume`).
 */
const exactlyOneVolume = (r: Fields) =>
  (r.size_gb === undefined && r.snapshot === undefined) !== (r.volume === undefined) ||
  "must give exactly one of size_gb (or snapshot) or volume"

const newVolumeFieldsOnlyForNew = (r: Fields) =>
  r.volume === undefined ||
  (r.name === undefined &&
    r.volume_type === undefined &&
    r.image === undefined &&
    r.snapshot === undefined) ||
  "name, volume_type, image and snapshot apply to a new volume (size_gb), not to an existing one"

const oneSource = (r: Fields) =>
  r.image === undefined || r.snapshot === undefined || "must give at most one of image or snapshot"

/** The body of `POST /servers/{id}/volumes`. */
export const AttachVolumeBody = Input.body(
  Schema.Struct(fields).pipe(
    Schema.filter(exactlyOneVolume),
    Schema.filter(newVolumeFieldsOnlyForNew),
    Schema.filter(oneSource)
  )
)

const taskFields = { ...fields, server_id: Schema.NonEmptyTrimmedString }

/** The task's params: the body and the server. */
export const AttachVolumeRequest = Schema.Struct(taskFields).pipe(
  Schema.filter(exactlyOneVolume),
  Schema.filter(newVolumeFieldsOnlyForNew),
  Schema.filter(oneSource)
)
export type AttachVolumeRequest = typeof AttachVolumeRequest.Type

/** Version 1's params: `size_gb` even with a snapshot (frozen: version 1's workers decode with it). */
export const AttachVolumeRequestV1 = Schema.Struct(taskFields).pipe(
  Schema.filter(exactlyOneVolumeV1),
  Schema.filter(newVolumeFieldsOnlyForNew),
  Schema.filter(oneSource)
)

export const AttachVolumeResult = Schema.Struct({
  volume_id: Schema.String,
  /** The device the server sees it as (`/dev/vdb`), as Cinder reports it once in use. */
  device: Schema.NullOr(Schema.String),
  /** Whether this task created the volume (and so `DELETE /servers/{id}` and a detach delete it). */
  created: Schema.Boolean
})
export type AttachVolumeResult = typeof AttachVolumeResult.Type
