/**
 * What a `server.resize` task is given (`POST /servers/{id}/resize`: the body, and the server's id from
 * the path) and gives back.
 */
import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { Text } from "../../contract/text.js"

export const type = "server.resize"

const fields = {
  flavor: Text.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(255)).annotations({
    description: "the new flavor (name or id)"
  }),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
}

/** The body of `POST /servers/{id}/resize`. */
export const ResizeServerBody = Input.body(Schema.Struct(fields))

/** The task's params: the body and the server. */
export const ResizeServerRequest = Schema.Struct({ ...fields, server_id: Schema.NonEmptyTrimmedString })
export type ResizeServerRequest = typeof ResizeServerRequest.Type

/** A flavor as the result names it; an old flavor's id is null when the project can no longer see it. */
export const FlavorRef = Schema.Struct({ id: Schema.String, name: Schema.String })
export const PreviousFlavorRef = Schema.Struct({ id: Schema.NullOr(Schema.String), name: Schema.String })

export const ResizeServerResult = Schema.Struct({
  server_id: Schema.String,
  flavor: FlavorRef,
  previous_flavor: PreviousFlavorRef
})
export type ResizeServerResult = typeof ResizeServerResult.Type
