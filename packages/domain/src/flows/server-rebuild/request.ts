/**
 * What a `server.rebuild` task is given (`POST /servers/{id}/rebuild`: the body, and the server's id from
 * the path) and gives back.
 */
import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { Text } from "../../contract/text.js"

export const type = "server.rebuild"

/** A name or a UUID of a cloud resource, as the cloud's own APIs accept it. */
const NameOrId = Text.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(255)).annotations({
  description: "name or id"
})

const fields = {
  image: NameOrId.annotations({ description: "the image of the new root (name or id)" }),
  keypair: Schema.optional(
    NameOrId.annotations({ description: "an existing keypair of the caller's, in place of the server's" })
  ),
  user_data: Schema.optional(
    Text.pipe(Schema.maxLength(49152)).annotations({ description: "user data in place of the server's" })
  ),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
}

/** The body of `POST /servers/{id}/rebuild`. */
export const RebuildBody = Input.body(Schema.Struct(fields))

/** The task's params: the body and the server. */
export const RebuildRequest = Schema.Struct({ ...fields, server_id: Schema.NonEmptyTrimmedString })
export type RebuildRequest = typeof RebuildRequest.Type

/**
 * How the server was rebuilt: by Nova itself (`rebuild`: microversion 2.93 with Cinder's reimage, the
 * same server and root volume), or by replacement (`replace`: a new server on a new root volume).
 */
export const RebuildPath = Schema.Literal("rebuild", "replace")
export type RebuildPath = typeof RebuildPath.Type

export const RebuildResult = Schema.Struct({
  server_id: Schema.String,
  path: RebuildPath,
  /** The root volume the server now boots from (reimaged in place on the `rebuild` path). */
  boot_volume_id: Schema.String,
  /** `replace`: the server that was deleted. */
  previous_server_id: Schema.optional(Schema.String),
  /** `replace`: the old root volume, kept because it has backups. */
  kept_volume_id: Schema.optional(Schema.String)
})
export type RebuildResult = typeof RebuildResult.Type
