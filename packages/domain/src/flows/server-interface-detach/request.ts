/** What a `server.interface.detach` task is given (`DELETE /servers/{id}/interfaces/{port_id}`) and gives back. */
import { Schema } from "effect"

export const type = "server.interface.detach"

export const DetachInterfaceRequest = Schema.Struct({
  server_id: Schema.NonEmptyTrimmedString,
  port_id: Schema.NonEmptyTrimmedString
})
export type DetachInterfaceRequest = typeof DetachInterfaceRequest.Type

export const DetachInterfaceResult = Schema.Struct({
  port_id: Schema.String,
  /** Whether the port was deleted: Enamel made it for this server. One the user brought is kept. */
  deleted: Schema.Boolean,
  /** The port's floating IPs Enamel made, released; the others were only taken off it. */
  released_floating_ip_ids: Schema.Array(Schema.String)
})
