/**
 * What a `server.floating_ip.detach` task is given (`DELETE /servers/{id}/floating-ips/{floating_ip_id}`)
 * and gives back.
 */
import { Schema } from "effect"

export const type = "server.floating_ip.detach"

export const DetachFloatingIpRequest = Schema.Struct({
  server_id: Schema.NonEmptyTrimmedString,
  floating_ip_id: Schema.NonEmptyTrimmedString
})
export type DetachFloatingIpRequest = typeof DetachFloatingIpRequest.Type

export const DetachFloatingIpResult = Schema.Struct({
  floating_ip_id: Schema.String,
  /** Whether it was released: Enamel made it for this server. One the user brought is only let go of. */
  deleted: Schema.Boolean
})
