/**
 * What `network.create` needs of Neutron's quotas: a network, its subnet, a router, and the port of the
 * router's interface on the subnet (the router's gateway port is not the project's; the DHCP port is
 * made by Neutron's agent, not by the task).
 */
import type { QuotaNeeds } from "../cloud/quotas.js"

export const networkNeeds: QuotaNeeds = { network: 1, subnet: 1, router: 1, port: 1 }

/** What would be created, per resource type. */
export const networkCreates: Readonly<Record<string, number>> = { network: 1, subnet: 1, router: 1, port: 1 }
