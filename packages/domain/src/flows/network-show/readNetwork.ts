/**
 * `GET /networks/{id}`: a porcelain read, no task and nothing stored. The network read live from Neutron
 * with the caller's own session: its subnets, the routers with an interface on them (and the external
 * network of each one's gateway; the gateway port itself only admins see), and the ports on it, with, for
 * each resource, the task that made it (from Enamel's marks in the cloud) or null. A router interface
 * Neutron made carries no marks; it is shown as made by the task that made both its router and its subnet.
 */
import { Neutron, type Port, type Router } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Option } from "effect"
import { NetworkNotFound } from "../cloud/networkErrors.js"
import { taskOfNeutronMarks } from "../cloud/networkMarks.js"
import { isRouterInterface } from "../cloud/networkPorts.js"
import { orNone } from "../cloud/orNone.js"
import type { NetworkView } from "./view.js"

const fixedIpsOf = (ips: ReadonlyArray<{ readonly subnetId: string; readonly ipAddress: string }>) =>
  ips.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress }))

/** A router with an interface on the network, with the name of its gateway's external network. */
const routerView = (router: Router, interfaces: ReadonlyArray<Port>) =>
  Effect.gen(function* () {
    const gateway = router.externalGateway
    const external =
      gateway === null
        ? null
        : {
            id: gateway.networkId,
            name: Option.match(yield* orNone(Neutron.getNetwork(gateway.networkId)), {
              onNone: () => null,
              onSome: (network) => network.name
            })
          }
    return {
      id: router.id,
      name: router.name,
      status: router.status,
      external_network: external,
      external_fixed_ips: gateway === null ? [] : fixedIpsOf(gateway.externalFixedIps),
      interface_port_ids: interfaces.filter((port) => port.deviceId === router.id).map((port) => port.id),
      task_id: taskOfNeutronMarks(router.tags)
    }
  })

/** The network as `GET /networks/{id}` shows it; NetworkNotFound when the caller cannot see it. */
export const readNetwork = Effect.fn("NetworkShow.readNetwork")(function* (networkId: string) {
  const network = yield* Neutron.getNetwork(networkId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new NetworkNotFound({ networkId })))
  )
  const [subnets, ports] = yield* Effect.all(
    [Neutron.listSubnets({ networkId: network.id }), Neutron.listPorts({ networkId: network.id })],
    { concurrency: "unbounded" }
  )
  const interfaces = ports.filter(isRouterInterface)
  const found = yield* Effect.forEach(
    Arr.dedupe(interfaces.map((port) => port.deviceId)),
    (id) => orNone(Neutron.getRouter(id)),
    { concurrency: "unbounded" }
  )
  const routers = yield* Effect.forEach(Arr.getSomes(found), (router) => routerView(router, interfaces), {
    concurrency: "unbounded"
  })
  const subnetTask = new Map(subnets.map((subnet) => [subnet.id, taskOfNeutronMarks(subnet.tags)]))
  const routerTask = new Map(routers.map((router) => [router.id, router.task_id]))
  /** A port's own marks; for an unmarked router interface, the task that made its router and its subnet. */
  const portTask = (port: Port): string | null => {
    const own = taskOfNeutronMarks(port.tags)
    if (own !== null || !isRouterInterface(port)) return own
    const task = routerTask.get(port.deviceId) ?? null
    return task !== null && port.fixedIps.some((ip) => subnetTask.get(ip.subnetId) === task) ? task : null
  }
  const view: NetworkView = {
    id: network.id,
    name: network.name,
    status: network.status,
    shared: network.shared,
    external: network.external,
    task_id: taskOfNeutronMarks(network.tags),
    subnets: subnets.map((subnet) => ({
      id: subnet.id,
      name: subnet.name,
      cidr: subnet.cidr,
      ip_version: subnet.ipVersion,
      gateway_ip: subnet.gatewayIp,
      dns_nameservers: subnet.dnsNameservers,
      task_id: taskOfNeutronMarks(subnet.tags)
    })),
    routers,
    ports: ports.map((port) => ({
      id: port.id,
      name: port.name,
      status: port.status,
      device_owner: port.deviceOwner,
      device_id: port.deviceId,
      fixed_ips: fixedIpsOf(port.fixedIps),
      task_id: portTask(port)
    }))
  }
  return view
})
