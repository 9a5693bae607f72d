/** What `GET /servers/{id}` answers: the server read live from Nova, Neutron, Cinder and Glance. */
import { Schema } from "effect"

/** The task that made a resource, or null when Enamel did not make it. */
const TaskId = Schema.NullOr(Schema.String)

export const ServerVolumeView = Schema.Struct({
  id: Schema.String,
  device: Schema.NullOr(Schema.String),
  size_gb: Schema.Number,
  boot: Schema.Boolean,
  task_id: TaskId
})

export const ServerPortView = Schema.Struct({
  id: Schema.String,
  network_id: Schema.String,
  fixed_ips: Schema.Array(Schema.Struct({ subnet_id: Schema.String, ip_address: Schema.String })),
  security_groups: Schema.Array(Schema.String),
  floating_ips: Schema.Array(Schema.Struct({ id: Schema.String, address: Schema.String, task_id: TaskId })),
  task_id: TaskId
})

export const ServerView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  flavor: Schema.Struct({ id: Schema.NullOr(Schema.String), name: Schema.NullOr(Schema.String) }),
  image: Schema.NullOr(Schema.Struct({ id: Schema.String, name: Schema.NullOr(Schema.String) })),
  volumes: Schema.Array(ServerVolumeView),
  ports: Schema.Array(ServerPortView)
})
export type ServerView = typeof ServerView.Type

export const ServerResponse = Schema.Struct({ server: ServerView }).annotations({
  identifier: "ServerResponse"
})
