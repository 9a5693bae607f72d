import { Neutron } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { madeForServerByTags } from "../cloud/marks.js"
import { cloudUnavailable, usableServer } from "../cloud/servers.js"
import { PortNotAttached } from "./errors.js"

export const AttachedPort = Schema.Struct({
  server_id: Schema.String,
  port_id: Schema.String,
  /** Enamel made it for this server (at its boot or since): detaching deletes it. */
  created: Schema.Boolean,
  /** Its floating IPs Enamel made for the server: released. */
  enamel_floating_ip_ids: Schema.Array(Schema.String),
  /** Its other floating IPs (the user's): only taken off it. */
  other_floating_ip_ids: Schema.Array(Schema.String)
})
export type AttachedPort = typeof AttachedPort.Type

/**
 * The port as it is on the server: the server is the caller's and ACTIVE or SHUTOFF, the port is bound
 * to it (or is Enamel's for it and left half detached); whether Enamel made it and each of its floating
 * IPs for the server.
 */
export const attachedPort = Effect.fn("ServerInterfaceDetach.attachedPort")(function* (
  serverId: string,
  portId: string
) {
  const server = yield* usableServer(serverId)
  const notAttached = new PortNotAttached({ serverId, portId })
  const port = yield* Neutron.getPort(portId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(notAttached))
  )
  const created = madeForServerByTags(server, port.tags)
  // Enamel's port for this server bound to nothing: a detach that stopped before deleting it (a failure
  // or a crash there), which asking again finishes.
  const unfinishedDetach = created && port.deviceId === ""
  if (port.deviceId !== server.id && !unfinishedDetach) return yield* notAttached
  const ips = yield* Neutron.listFloatingIps({ portId: port.id })
  const enamels = ips.filter((ip) => madeForServerByTags(server, ip.tags))
  const found: AttachedPort = {
    server_id: server.id,
    port_id: port.id,
    created,
    enamel_floating_ip_ids: enamels.map((ip) => ip.id),
    other_floating_ip_ids: ips.filter((ip) => !enamels.includes(ip)).map((ip) => ip.id)
  }
  return found
})

/** Admission: the same, as API refusals (404 naming the server or the port, 409 for the server's state). */
export const admitAttachedPort = (serverId: string, portId: string) =>
  attachedPort(serverId, portId).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "ServerNotFound":
        case "PortNotAttached":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "ServerNotReady":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether port ${portId} is attached to ${serverId}`, error))
      }
    })
  )
