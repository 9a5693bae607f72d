import { Neutron } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { Conflict, type NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { cloudUnavailable } from "../cloud/servers.js"
import { FloatingIpRequestUnresolved, NoFreePort } from "./errors.js"

const problem = (text: string) => new FloatingIpRequestUnresolved({ problems: [text] })

/**
 * The server's port the floating IP goes on: the one asked for (it must be the server's, and have no
 * floating IP yet), or the first of its ports that has none.
 */
export const choosePort = Effect.fn("ServerFloatingIpAttach.choosePort")(function* (
  serverId: string,
  asked: string | undefined
) {
  const ports = yield* Neutron.listPorts({ deviceId: serverId })
  const withIps = yield* Effect.forEach(
    ports,
    (port) => Effect.map(Neutron.listFloatingIps({ portId: port.id }), (ips) => ({ port, ips })),
    { concurrency: "unbounded" }
  )
  if (asked !== undefined) {
    const found = withIps.find(({ port }) => port.id === asked)
    if (found === undefined) return yield* problem(`port ${asked} is not a port of server ${serverId}`)
    const taken = found.ips[0]
    if (taken !== undefined)
      return yield* problem(`port ${asked} has floating IP ${taken.floatingIpAddress} already`)
    return found.port
  }
  const free = withIps.find(({ ips }) => ips.length === 0)
  if (free === undefined) return yield* new NoFreePort({ serverId })
  return free.port
})

/** Admission: a port is free for the floating IP (409 otherwise); a named port is left to the task. */
export const admitFreePort = (serverId: string, asked: string | undefined) =>
  asked !== undefined
    ? Effect.void
    : choosePort(serverId, undefined).pipe(
        Effect.asVoid,
        Effect.catchAll((error): Effect.Effect<void, NotFound | Conflict | ServiceUnavailable> => {
          switch (error._tag) {
            case "NoFreePort":
              return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
            case "FloatingIpRequestUnresolved":
              return Effect.void
            default:
              return Effect.fail(cloudUnavailable(`which ports of server ${serverId} are free`, error))
          }
        })
      )
