/**
 * What the ports on a network are, by Neutron's device owner: the routers' interfaces (plain, DVR's and
 * an HA router's), the router gateway and DHCP's port belong to the network's plumbing; anything else (a
 * server's port, a load balancer's, one made by hand) is a user of the network.
 */

/** The device owner of the interface ports that `add_router_interface` makes on a plain router. */
export const routerInterfaceOwner = "network:router_interface"

/** A router's interface on a subnet: its device id is the router's id. */
export const routerInterfaceOwners: ReadonlySet<string> = new Set([
  routerInterfaceOwner,
  "network:router_interface_distributed",
  "network:ha_router_replicated_interface"
])

export const routerGatewayOwner = "network:router_gateway"
export const dhcpOwner = "network:dhcp"

export const isRouterInterface = (port: { readonly deviceOwner: string }): boolean =>
  routerInterfaceOwners.has(port.deviceOwner)

/** Whether the port is the network's own plumbing (a router's interface or gateway, DHCP's port). */
export const isPlumbing = (port: { readonly deviceOwner: string }): boolean =>
  isRouterInterface(port) || port.deviceOwner === routerGatewayOwner || port.deviceOwner === dhcpOwner
