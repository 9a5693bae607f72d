/** What a `network.delete` task is given and gives back. */
import { Schema } from "effect"

export const type = "network.delete"

export const DeleteNetworkRequest = Schema.Struct({ network_id: Schema.NonEmptyTrimmedString })
export type DeleteNetworkRequest = typeof DeleteNetworkRequest.Type

/** What was removed: the network, its subnets, the routers Enamel made for it, and the interfaces taken off routers. */
export const DeleteNetworkResult = Schema.Struct({
  network_id: Schema.String,
  subnet_ids: Schema.Array(Schema.String),
  router_ids: Schema.Array(Schema.String),
  interface_port_ids: Schema.Array(Schema.String)
})
export type DeleteNetworkResult = typeof DeleteNetworkResult.Type
