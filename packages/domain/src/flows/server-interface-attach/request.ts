/**
 * What a `server.interface.attach` task is given (`POST /servers/{id}/interfaces`: the body, and the
 * server's id from the path) and gives back.
 */
import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { Text } from "../../contract/text.js"
import { isAddress } from "../cloud/ipAddress.js"

export const type = "server.interface.attach"

const NameOrId = Text.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(255)).annotations({
  description: "name or id"
})

const IpAddress = Schema.String.pipe(
  Schema.filter(isAddress),
  Schema.annotations({ title: "an IPv4 or IPv6 address" })
)

const fields = {
  network: Schema.optional(NameOrId.annotations({ description: "a new port on this network" })),
  port: Schema.optional(Schema.UUID.annotations({ description: "an existing free port of the project" })),
  fixed_ip: Schema.optional(IpAddress),
  security_groups: Schema.optional(Schema.Array(NameOrId).pipe(Schema.maxItems(16))),
  floating_ip: Schema.optional(Schema.Struct({ network: NameOrId })),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
}

type Fields = Schema.Struct.Type<typeof fields>

const exactlyOnePort = (r: Fields) =>
  (r.network === undefined) !== (r.port === undefined) || "must give exactly one of network or port"

const newPortFieldsOnlyForNew = (r: Fields) =>
  r.port === undefined ||
  (r.fixed_ip === undefined && r.security_groups === undefined) ||
  "fixed_ip and security_groups apply to a new port, not to an existing one"

/** The body of `POST /servers/{id}/interfaces`. */
export const AttachInterfaceBody = Input.body(
  Schema.Struct(fields).pipe(Schema.filter(exactlyOnePort), Schema.filter(newPortFieldsOnlyForNew))
)

/** The task's params: the body and the server. */
export const AttachInterfaceRequest = Schema.Struct({
  ...fields,
  server_id: Schema.NonEmptyTrimmedString
}).pipe(Schema.filter(exactlyOnePort), Schema.filter(newPortFieldsOnlyForNew))
export type AttachInterfaceRequest = typeof AttachInterfaceRequest.Type

export const AttachInterfaceResult = Schema.Struct({
  port_id: Schema.String,
  fixed_ips: Schema.Array(Schema.String),
  floating_ip: Schema.optional(Schema.Struct({ id: Schema.String, address: Schema.String })),
  /** Whether this task created the port (and so a detach or `DELETE /servers/{id}` deletes it). */
  created: Schema.Boolean
})
