import { Neutron } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { madeForServerByTags } from "../cloud/marks.js"
import { cloudUnavailable, usableServer } from "../cloud/servers.js"
import { FloatingIpNotAttached } from "./errors.js"

export const AttachedFloatingIp = Schema.Struct({
  server_id: Schema.String,
  floating_ip_id: Schema.String,
  /** Enamel made it for this server (at its boot or since): detaching releases it. */
  created: Schema.Boolean
})
export type AttachedFloatingIp = typeof AttachedFloatingIp.Type

/**
 * The floating IP as it is on the server: the server is the caller's and ACTIVE or SHUTOFF, the floating
 * IP is the caller's and on one of the server's ports (or is Enamel's for it and left half detached); and
 * whether Enamel made it for the server.
 */
export const attachedFloatingIp = Effect.fn("ServerFloatingIpDetach.attachedFloatingIp")(function* (
  serverId: string,
  floatingIpId: string
) {
  const server = yield* usableServer(serverId)
  const notAttached = new FloatingIpNotAttached({ serverId, floatingIpId })
  const ip = yield* Neutron.getFloatingIp(floatingIpId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(notAttached))
  )
  const created = madeForServerByTags(server, ip.tags)
  if (ip.portId === null) {
    // Enamel's floating IP for this server, on no port: a detach that stopped before releasing it (a
    // failure or a crash there), which asking again finishes.
    if (!created) return yield* notAttached
  } else {
    const onServer = yield* Neutron.listPorts({ deviceId: server.id })
    if (!onServer.some((port) => port.id === ip.portId)) return yield* notAttached
  }
  const found: AttachedFloatingIp = { server_id: server.id, floating_ip_id: ip.id, created }
  return found
})

/** Admission: the same, as API refusals (404 naming the server or the floating IP, 409 for the server's state). */
export const admitAttachedFloatingIp = (serverId: string, floatingIpId: string) =>
  attachedFloatingIp(serverId, floatingIpId).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "ServerNotFound":
        case "FloatingIpNotAttached":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "ServerNotReady":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(
            cloudUnavailable(`whether floating IP ${floatingIpId} is on server ${serverId}`, error)
          )
      }
    })
  )
