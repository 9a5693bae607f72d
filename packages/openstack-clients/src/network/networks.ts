import { Effect, Option, Schema } from "effect"
import { findByNameOrId } from "../http/lookup.js"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { isUuidLike, segment } from "../http/url.js"
import { neutron, projectId, putTags, sessionProjectId, tagCreated, tags, tagsQuery } from "./resources.js"

/** Neutron's `created_at` (seconds, UTC), kept as Neutron wrote it: ISO 8601 sorts as text. */
const createdAt = Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("created_at"))

export const Network = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  projectId,
  external: Schema.optionalWith(Schema.Boolean, { default: () => false }).pipe(
    Schema.fromKey("router:external")
  ),
  shared: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  subnets: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  createdAt,
  tags
})
export type Network = typeof Network.Type

export const Subnet = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  networkId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("network_id")),
  cidr: Schema.String,
  ipVersion: Schema.propertySignature(Schema.Number).pipe(Schema.fromKey("ip_version")),
  gatewayIp: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("gateway_ip")
  ),
  dnsNameservers: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }).pipe(
    Schema.fromKey("dns_nameservers")
  ),
  enableDhcp: Schema.optionalWith(Schema.Boolean, { default: () => true }).pipe(
    Schema.fromKey("enable_dhcp")
  ),
  projectId,
  createdAt,
  tags
})
export type Subnet = typeof Subnet.Type

const NetworkBody = Schema.Struct({ network: Network })
const NetworksPage = Schema.Struct({
  networks: Schema.Array(Network),
  networks_links: Schema.optional(Links)
})
const SubnetBody = Schema.Struct({ subnet: Subnet })
const SubnetsPage = Schema.Struct({ subnets: Schema.Array(Subnet), subnets_links: Schema.optional(Links) })

export interface NetworkFilter {
  readonly name?: string
  /** Only external networks (where floating IPs come from), or only internal ones. */
  readonly external?: boolean
  readonly tags?: ReadonlyArray<string>
  readonly projectId?: string
  readonly pageSize?: number
}

export interface SubnetFilter {
  readonly name?: string
  readonly networkId?: string
  readonly projectId?: string
  readonly tags?: ReadonlyArray<string>
  readonly pageSize?: number
}

export interface NetworkCreate {
  readonly name: string
  readonly description?: string
  /** Set right after creation (PUT .../tags); the network is deleted again if tagging fails. */
  readonly tags?: ReadonlyArray<string>
}

export interface SubnetCreate {
  readonly networkId: string
  readonly name: string
  readonly cidr: string
  readonly ipVersion: 4 | 6
  /** Neutron's default (the first address) when absent. */
  readonly gatewayIp?: string
  readonly dnsNameservers?: ReadonlyArray<string>
  readonly enableDhcp?: boolean
  /** IPv6 only: `slaac`, `dhcpv6-stateful` or `dhcpv6-stateless`. */
  readonly ipv6AddressMode?: string
  readonly ipv6RaMode?: string
  readonly description?: string
  /** Set right after creation; the subnet is deleted again if tagging fails. */
  readonly tags?: ReadonlyArray<string>
}

export const subnetCreateBody = (spec: SubnetCreate) => ({
  subnet: {
    network_id: spec.networkId,
    name: spec.name,
    cidr: spec.cidr,
    ip_version: spec.ipVersion,
    gateway_ip: spec.gatewayIp,
    dns_nameservers: spec.dnsNameservers,
    enable_dhcp: spec.enableDhcp,
    ipv6_address_mode: spec.ipv6AddressMode,
    ipv6_ra_mode: spec.ipv6RaMode,
    description: spec.description
  }
})

export const makeNetworkOperations = (api: ServiceApi) => {
  const getNetwork = Effect.fn("Neutron.getNetwork")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: `networks/${segment(id)}` }, NetworkBody)).network
  })

  const listNetworks = Effect.fn("Neutron.listNetworks")(function* (filter: NetworkFilter = {}) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "networks",
        query: {
          name: filter.name,
          "router:external": filter.external,
          tags: tagsQuery(filter.tags),
          project_id: filter.projectId,
          limit: filter.pageSize
        }
      },
      { schema: NetworksPage, items: (page) => page.networks, next: (page) => nextLink(page.networks_links) }
    )
  })

  /** The network with this id, or else the only one with this name (the session's project's first). */
  const findNetwork = Effect.fn("Neutron.findNetwork")(function* (nameOrId: string) {
    const ownProject = yield* sessionProjectId
    return yield* findByNameOrId({
      service: neutron,
      resource: "network",
      nameOrId,
      byId: isUuidLike(nameOrId) ? Option.some(getNetwork(nameOrId)) : Option.none(),
      byName: listNetworks({ name: nameOrId }),
      prefer: (network) => network.projectId === ownProject
    })
  })

  const getSubnet = Effect.fn("Neutron.getSubnet")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: `subnets/${segment(id)}` }, SubnetBody)).subnet
  })

  const listSubnets = Effect.fn("Neutron.listSubnets")(function* (filter: SubnetFilter = {}) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "subnets",
        query: {
          name: filter.name,
          network_id: filter.networkId,
          project_id: filter.projectId,
          tags: tagsQuery(filter.tags),
          limit: filter.pageSize
        }
      },
      { schema: SubnetsPage, items: (page) => page.subnets, next: (page) => nextLink(page.subnets_links) }
    )
  })

  /** The subnet with this id, or else the only one with this name (optionally on one network). */
  const findSubnet = Effect.fn("Neutron.findSubnet")(function* (
    nameOrId: string,
    options: { readonly networkId?: string } = {}
  ) {
    const ownProject = yield* sessionProjectId
    return yield* findByNameOrId({
      service: neutron,
      resource: "subnet",
      nameOrId,
      byId: isUuidLike(nameOrId) ? Option.some(getSubnet(nameOrId)) : Option.none(),
      byName: listSubnets({ name: nameOrId, ...options }),
      prefer: (subnet) => subnet.projectId === ownProject
    })
  })

  /** Fails with OpenStackConflict (NetworkInUse) while ports other than DHCP's are on it. */
  const deleteNetwork = Effect.fn("Neutron.deleteNetwork")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: `networks/${segment(id)}` })
  })

  const createNetwork = Effect.fn("Neutron.createNetwork")(function* (spec: NetworkCreate) {
    const created = (yield* api.json(
      {
        method: "POST",
        path: "networks",
        json: { network: { name: spec.name, description: spec.description } }
      },
      NetworkBody
    )).network
    return yield* tagCreated(api, "networks", created, spec.tags, deleteNetwork)
  })

  /** Replaces the network's tags with these. */
  const setNetworkTags = Effect.fn("Neutron.setNetworkTags")(function* (
    id: string,
    wanted: ReadonlyArray<string>
  ) {
    return yield* putTags(api, "networks", id, wanted)
  })

  /** Fails with OpenStackConflict (SubnetInUse) while a port (a router interface too) has an address on it. */
  const deleteSubnet = Effect.fn("Neutron.deleteSubnet")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: `subnets/${segment(id)}` })
  })

  const createSubnet = Effect.fn("Neutron.createSubnet")(function* (spec: SubnetCreate) {
    const created = (yield* api.json(
      { method: "POST", path: "subnets", json: subnetCreateBody(spec) },
      SubnetBody
    )).subnet
    return yield* tagCreated(api, "subnets", created, spec.tags, deleteSubnet)
  })

  /** Replaces the subnet's tags with these. */
  const setSubnetTags = Effect.fn("Neutron.setSubnetTags")(function* (
    id: string,
    wanted: ReadonlyArray<string>
  ) {
    return yield* putTags(api, "subnets", id, wanted)
  })

  return {
    getNetwork,
    listNetworks,
    findNetwork,
    createNetwork,
    deleteNetwork,
    setNetworkTags,
    getSubnet,
    listSubnets,
    findSubnet,
    createSubnet,
    deleteSubnet,
    setSubnetTags
  }
}
