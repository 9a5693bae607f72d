/** What `GET /networks/{id}` answers: the network and its plumbing, read live from Neutron. */
import { Schema } from "effect"

/** The task that made a resource, or null when Enamel did not make it. */
const TaskId = Schema.NullOr(Schema.String)

const FixedIp = Schema.Struct({ subnet_id: Schema.String, ip_address: Schema.String })

export const NetworkSubnetView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  cidr: Schema.String,
  ip_version: Schema.Number,
  gateway_ip: Schema.NullOr(Schema.String),
  dns_nameservers: Schema.Array(Schema.String),
  task_id: TaskId
})

export const NetworkRouterView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  /** The external network its gateway is on (its name when the caller can see it), or null without a gateway. */
  external_network: Schema.NullOr(Schema.Struct({ id: Schema.String, name: Schema.NullOr(Schema.String) })),
  /** The gateway's addresses on the external network, where Neutron shows them to the caller. */
  external_fixed_ips: Schema.Array(FixedIp),
  /** Its interfaces on this network's subnets. */
  interface_port_ids: Schema.Array(Schema.String),
  task_id: TaskId
})

export const NetworkPortView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  device_owner: Schema.String,
  /** The server's id for a server's port, the router's for a router interface; "" for none. */
  device_id: Schema.String,
  fixed_ips: Schema.Array(FixedIp),
  task_id: TaskId
})

export const NetworkView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  shared: Schema.Boolean,
  external: Schema.Boolean,
  task_id: TaskId,
  subnets: Schema.Array(NetworkSubnetView),
  routers: Schema.Array(NetworkRouterView),
  ports: Schema.Array(NetworkPortView)
})
export type NetworkView = typeof NetworkView.Type

export const NetworkResponse = Schema.Struct({ network: NetworkView }).annotations({
  identifier: "NetworkResponse"
})
