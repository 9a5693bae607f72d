/**
 * Neutron v2.0 in the double: networks (a project's own, shared and external ones are visible), subnets
 * and security groups; ports and floating IPs are in `neutronPorts.ts`.
 */
import { Effect } from "effect"
import {
  type Answer,
  type Ctx,
  hasAllTags,
  isoSeconds,
  links,
  ok,
  paginate,
  type Refusal,
  refuse
} from "./http.js"
import { route as routePorts } from "./neutronPorts.js"
import { networkView, routerView, route as routeTopology, subnetView } from "./neutronTopology.js"
import { networkQuotaDetails } from "./quotas.js"
import type { CloudState, Network, SecurityGroup, Subnet, Token } from "./state.js"

const securityGroupView = (group: SecurityGroup) => ({
  id: group.id,
  name: group.name,
  stateful: true,
  tenant_id: group.projectId,
  description: group.description,
  shared: false,
  security_group_rules: ["IPv4", "IPv6"].map((ethertype, index) => ({
    id: `${group.id.slice(0, -1)}${index}`,
    tenant_id: group.projectId,
    security_group_id: group.id,
    ethertype,
    direction: "egress",
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_address_group_id: null,
    normalized_cidr: null,
    remote_group_id: null,
    description: null,
    tags: [],
    created_at: isoSeconds(group.createdAt),
    updated_at: isoSeconds(group.createdAt),
    revision_number: 0,
    project_id: group.projectId
  })),
  tags: [],
  created_at: isoSeconds(group.createdAt),
  updated_at: isoSeconds(group.createdAt),
  revision_number: 1,
  project_id: group.projectId
})

/** A network the caller sees: their project's own, or a shared or external one. */
export const visibleNetwork = (caller: Token, network: Network | undefined): boolean =>
  network !== undefined && (network.projectId === caller.projectId || network.shared || network.external)

const visibleSubnet = (state: CloudState, caller: Token, subnet: Subnet) =>
  subnet.projectId === caller.projectId || visibleNetwork(caller, state.networks.get(subnet.networkId))

const list = <T extends { readonly id: string }>(
  ctx: Ctx,
  collection: string,
  items: ReadonlyArray<T>,
  view: (item: T) => unknown
) =>
  Effect.map(paginate(ctx.call, items, ctx.state.pageSize), (page) =>
    ok({ [collection]: page.items.map(view), [`${collection}_links`]: links(page.next) })
  )

const show = <T>(
  found: T | undefined,
  view: (item: T) => unknown,
  key: string,
  missing: () => Effect.Effect<never, Refusal>
) => (found === undefined ? missing() : Effect.succeed(ok({ [key]: view(found) })))

export const route = (ctx: Ctx): Effect.Effect<Answer, Refusal> | undefined => {
  const { state, call, caller } = ctx
  const q = call.query
  if (call.path === "/" && call.method === "GET") {
    return Effect.succeed(ok({ versions: [{ id: "v2.0", status: "CURRENT", links: [] }] }))
  }
  const [, collection, id, more] = call.path.split("/")
  if (collection === "quotas" && id !== undefined && more === "details" && call.method === "GET") {
    return networkQuotaDetails(ctx, id)
  }
  if (call.method !== "GET" || more !== undefined) return routeTopology(ctx) ?? routePorts(ctx)
  switch (collection) {
    case "networks": {
      if (id !== undefined) {
        const network = state.networks.get(id)
        return show(visibleNetwork(caller, network) ? network : undefined, networkView, "network", () =>
          refuse("neutron", 404, `Network ${id} could not be found.`, "NetworkNotFound")
        )
      }
      const external = q["router:external"]
      const networks = [...state.networks.values()].filter(
        (n) =>
          visibleNetwork(caller, n) &&
          (q.name === undefined || n.name === q.name) &&
          (external === undefined || String(n.external) === external.toLowerCase()) &&
          (q.shared === undefined || String(n.shared) === q.shared.toLowerCase()) &&
          (q.project_id === undefined || n.projectId === q.project_id) &&
          hasAllTags(n.tags, q.tags)
      )
      return list(ctx, "networks", networks, networkView)
    }
    case "subnets": {
      if (id !== undefined) {
        const subnet = state.subnets.get(id)
        return show(
          subnet !== undefined && visibleSubnet(state, caller, subnet) ? subnet : undefined,
          subnetView,
          "subnet",
          () => refuse("neutron", 404, `Subnet ${id} could not be found.`, "SubnetNotFound")
        )
      }
      const subnets = [...state.subnets.values()].filter(
        (s) =>
          visibleSubnet(state, caller, s) &&
          (q.name === undefined || s.name === q.name) &&
          (q.network_id === undefined || s.networkId === q.network_id) &&
          (q.project_id === undefined || s.projectId === q.project_id) &&
          hasAllTags(s.tags, q.tags)
      )
      return list(ctx, "subnets", subnets, subnetView)
    }
    case "routers": {
      if (id !== undefined) return routeTopology(ctx)
      const routers = [...state.routers.values()].filter(
        (r) =>
          r.projectId === caller.projectId &&
          (q.name === undefined || r.name === q.name) &&
          (q.project_id === undefined || r.projectId === q.project_id) &&
          hasAllTags(r.tags, q.tags)
      )
      return list(ctx, "routers", routers, routerView)
    }
    case "security-groups": {
      const own = (g: SecurityGroup | undefined) => g !== undefined && g.projectId === caller.projectId
      if (id !== undefined) {
        const group = state.securityGroups.get(id)
        return show(own(group) ? group : undefined, securityGroupView, "security_group", () =>
          refuse("neutron", 404, `Security group ${id} does not exist`, "SecurityGroupNotFound")
        )
      }
      const groups = [...state.securityGroups.values()].filter(
        (g) =>
          own(g) &&
          (q.name === undefined || g.name === q.name) &&
          (q.project_id === undefined || g.projectId === q.project_id)
      )
      return list(ctx, "security_groups", groups, securityGroupView)
    }
    default:
      return routePorts(ctx)
  }
}
