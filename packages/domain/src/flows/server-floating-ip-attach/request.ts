/**
 * What a `server.floating_ip.attach` task is given (`POST /servers/{id}/floating-ips`: the body, and the
 * server's id from the path) and gives back.
 */
import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { Text } from "../../contract/text.js"

export const type = "server.floating_ip.attach"

const fields = {
  network: Text.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(255)).annotations({
    description: "the external network (name or id) to take the floating IP from"
  }),
  port: Schema.optional(
    Schema.UUID.annotations({
      description: "the server's port to put it on (default: the first without one)"
    })
  ),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
}

/** The body of `POST /servers/{id}/floating-ips`. */
export const AttachFloatingIpBody = Input.body(Schema.Struct(fields))

/** The task's params: the body and the server. */
export const AttachFloatingIpRequest = Schema.Struct({ ...fields, server_id: Schema.NonEmptyTrimmedString })
export type AttachFloatingIpRequest = typeof AttachFloatingIpRequest.Type

export const AttachFloatingIpResult = Schema.Struct({
  floating_ip_id: Schema.String,
  address: Schema.String,
  port_id: Schema.String
})
