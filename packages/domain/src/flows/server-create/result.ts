import { Schema } from "effect"
import { AttachedPort } from "./network/createPort.js"

/** One server as the task's result shows it: ids of what was made, never a secret. */
export const CreatedServer = Schema.Struct({
  name: Schema.String,
  id: Schema.String,
  volume_id: Schema.optional(Schema.String),
  ports: Schema.Array(AttachedPort),
  floating_ips: Schema.Array(
    Schema.Struct({ id: Schema.String, address: Schema.String, port_id: Schema.String })
  ),
  /** Addresses by network name, as Nova showed them once the server was ACTIVE. */
  addresses: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
})
export type CreatedServer = typeof CreatedServer.Type

export const CreateServersResult = Schema.Struct({ servers: Schema.Array(CreatedServer) })
export type CreateServersResult = typeof CreateServersResult.Type
