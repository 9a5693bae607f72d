/**
 * What a `server.delete` task is given and gives back; every version takes and returns these (a change to
 * either changes every version's shape, and so needs new versions).
 */
import { Schema } from "effect"

export const type = "server.delete"

export const DeleteServerRequest = Schema.Struct({ server_id: Schema.NonEmptyTrimmedString })
export type DeleteServerRequest = typeof DeleteServerRequest.Type

export const DeleteServerResult = Schema.Struct({
  server_id: Schema.String,
  floating_ip_ids: Schema.Array(Schema.String),
  port_ids: Schema.Array(Schema.String),
  volume_ids: Schema.Array(Schema.String)
})
