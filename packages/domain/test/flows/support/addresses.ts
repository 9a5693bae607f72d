/** What a server's rebuild must keep, read with the caller's session (the rebuild tests, in the flow and end to end). */
import { Neutron, Nova } from "@enamel/openstack-clients"
import { Effect } from "effect"

/** What must not change: status, fixed addresses, floating IPs on the server's ports, the root volume. */
export const addressesOf = (serverId: string) =>
  Effect.gen(function* () {
    const server = yield* Nova.getServer(serverId)
    const fixed = Object.values(server.addresses)
      .flat()
      .filter((a) => a.type === "fixed")
      .map((a) => a.addr)
      .sort()
    const ports = (yield* Neutron.listPorts({ deviceId: serverId })).map((p) => p.id)
    const floating = (yield* Neutron.listFloatingIps())
      .filter((ip) => ip.portId !== null && ports.includes(ip.portId))
      .map((ip) => `${ip.floatingIpAddress}@${ip.portId}`)
      .sort()
    return { status: server.status, fixed, floating, volumes: server.volumesAttached.map((v) => v.id) }
  })
