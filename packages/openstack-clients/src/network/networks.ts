import { Effect, Option, Schema } from "effect"
import { findByNameOrId } from "../http/lookup.js"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { isUuidLike, segment } from "../http/url.js"
import { neutron, projectId, sessionProjectId, tags, tagsQuery } from "./resources.js"

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
  projectId
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
  readonly pageSize?: number
}

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

  const listSubnets = Effect.fn("Neutron.listSubnets")(function* (
    filter: { readonly name?: string; readonly networkId?: string; readonly pageSize?: number } = {}
  ) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "subnets",
        query: { name: filter.name, network_id: filter.networkId, limit: filter.pageSize }
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

  return { getNetwork, listNetworks, findNetwork, getSubnet, listSubnets, findSubnet }
}
