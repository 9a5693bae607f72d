/**
 * Neutron's networks, subnets and routers as a project makes and removes them in the double: create with
 * quotas, tags, a router's gateway on an external network (its address from the external subnet's pool,
 * and the gateway port visible only to admins, so not modelled as a project's port), router interfaces
 * (a port with the subnet's gateway address), and Neutron's refusals when something is still in use.
 */
import { Effect } from "effect"
import { allocateAddress, inCidr, ipToNumber, numberToIp } from "./addresses.js"
import {
  type Answer,
  type Ctx,
  field,
  isoSeconds,
  noContent,
  ok,
  overQuotaAnswer,
  Refusal,
  refuse,
  stringArray,
  stringField
} from "./http.js"
import { releasePort, replaceTags } from "./neutronPorts.js"
import { type Network, type Port, type Router, type Subnet, uuid } from "./state.js"

export const networkView = (network: Network) => ({
  id: network.id,
  name: network.name,
  tenant_id: network.projectId,
  admin_state_up: true,
  mtu: 1500,
  status: "ACTIVE",
  subnets: network.subnetIds,
  shared: network.shared,
  availability_zone_hints: [],
  availability_zones: [],
  ipv4_address_scope: null,
  ipv6_address_scope: null,
  "router:external": network.external,
  description: network.description,
  port_security_enabled: true,
  tags: network.tags,
  created_at: isoSeconds(network.createdAt),
  updated_at: isoSeconds(network.updatedAt),
  revision_number: network.revision,
  project_id: network.projectId
})

export const subnetView = (subnet: Subnet) => ({
  id: subnet.id,
  name: subnet.name,
  tenant_id: subnet.projectId,
  network_id: subnet.networkId,
  ip_version: subnet.ipVersion,
  subnetpool_id: null,
  enable_dhcp: subnet.enableDhcp,
  ipv6_ra_mode: null,
  ipv6_address_mode: null,
  gateway_ip: subnet.gatewayIp,
  cidr: subnet.cidr,
  allocation_pools:
    subnet.pool.end < subnet.pool.start
      ? []
      : [{ start: numberToIp(subnet.pool.start), end: numberToIp(subnet.pool.end) }],
  host_routes: [],
  dns_nameservers: subnet.dnsNameservers,
  description: "",
  service_types: [],
  tags: subnet.tags,
  created_at: isoSeconds(subnet.createdAt),
  updated_at: isoSeconds(subnet.updatedAt),
  revision_number: subnet.revision,
  project_id: subnet.projectId
})

export const routerView = (router: Router) => ({
  id: router.id,
  name: router.name,
  tenant_id: router.projectId,
  admin_state_up: true,
  status: "ACTIVE",
  external_gateway_info:
    router.gateway === null
      ? null
      : {
          network_id: router.gateway.networkId,
          enable_snat: true,
          external_fixed_ips: [{ subnet_id: router.gateway.subnetId, ip_address: router.gateway.ipAddress }]
        },
  description: router.description,
  availability_zones: [],
  availability_zone_hints: [],
  routes: [],
  flavor_id: null,
  tags: router.tags,
  created_at: isoSeconds(router.createdAt),
  updated_at: isoSeconds(router.updatedAt),
  revision_number: router.revision,
  project_id: router.projectId
})

const overQuota = (resource: string) =>
  Effect.fail(new Refusal({ answer: overQuotaAnswer("neutron", resource) }))

const quotaOf = (ctx: Ctx) => ctx.state.projects.get(ctx.caller.projectId)?.quota

const ownNetwork = (ctx: Ctx, id: string) => {
  const network = ctx.state.networks.get(id)
  return network !== undefined && network.projectId === ctx.caller.projectId
    ? Effect.succeed(network)
    : refuse("neutron", 404, `Network ${id} could not be found.`, "NetworkNotFound")
}

const ownSubnet = (ctx: Ctx, id: string) => {
  const subnet = ctx.state.subnets.get(id)
  return subnet !== undefined && subnet.projectId === ctx.caller.projectId
    ? Effect.succeed(subnet)
    : refuse("neutron", 404, `Subnet ${id} could not be found.`, "SubnetNotFound")
}

const ownRouter = (ctx: Ctx, id: string) => {
  const router = ctx.state.routers.get(id)
  return router !== undefined && router.projectId === ctx.caller.projectId
    ? Effect.succeed(router)
    : refuse("neutron", 404, `Router ${id} could not be found`, "RouterNotFound")
}

const isRouterPort = (port: Port) => port.deviceOwner.startsWith("network:router_interface")

const createNetwork = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const body = field(ctx.call.json, "network")
    const owned = [...state.networks.values()].filter((n) => n.projectId === caller.projectId).length
    if (owned + 1 > (quotaOf(ctx)?.networks ?? 0)) return yield* overQuota("network")
    const network: Network = {
      id: uuid(),
      name: stringField(body, "name") ?? "",
      projectId: caller.projectId,
      shared: false,
      external: false,
      subnetIds: [],
      description: stringField(body, "description") ?? "",
      createdAt: now,
      tags: [],
      revision: 1,
      updatedAt: now
    }
    state.networks.set(network.id, network)
    return ok({ network: networkView(network) }, 201)
  })

/** Neutron refuses while any port but DHCP's is on the network; the subnets go with it. */
const deleteNetwork = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const { state } = ctx
    const network = yield* ownNetwork(ctx, id)
    const inUse = [...state.ports.values()].some(
      (p) => p.networkId === id && p.deviceOwner !== "network:dhcp"
    )
    if (inUse) {
      return yield* refuse(
        "neutron",
        409,
        `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`,
        "NetworkInUse"
      )
    }
    for (const port of [...state.ports.values()]) if (port.networkId === id) releasePort(state, port)
    for (const subnetId of network.subnetIds) state.subnets.delete(subnetId)
    state.networks.delete(id)
    return noContent
  })

const ipv4Cidr = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/

const overlaps = (a: string, b: string) => {
  const range = (cidr: string) => {
    const [base = "", bits = "32"] = cidr.split("/")
    const start = ipToNumber(base)
    return [start, start + 2 ** (32 - Number(bits)) - 1] as const
  }
  if (!ipv4Cidr.test(a) || !ipv4Cidr.test(b)) return a === b
  const [aStart, aEnd] = range(a)
  const [bStart, bEnd] = range(b)
  return aStart <= bEnd && bStart <= aEnd
}

const createSubnet = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const body = field(ctx.call.json, "subnet")
    const network = yield* ownNetwork(ctx, stringField(body, "network_id") ?? "")
    const cidr = stringField(body, "cidr") ?? ""
    const ipVersion = field(body, "ip_version") === 6 ? 6 : 4
    const v4 = ipv4Cidr.exec(cidr)
    if (ipVersion === 4 && (v4 === null || Number(v4[5]) > 30)) {
      return yield* refuse(
        "neutron",
        400,
        `Invalid input for cidr. Reason: '${cidr}' is not a valid IP subnet.`,
        "InvalidInput"
      )
    }
    const clash = network.subnetIds
      .map((subnetId) => state.subnets.get(subnetId))
      .find((other) => other !== undefined && overlaps(other.cidr, cidr))
    if (clash !== undefined) {
      return yield* refuse(
        "neutron",
        400,
        `Invalid input for operation: Requested subnet with cidr: ${cidr} for network: ${network.id} overlaps with another subnet.`,
        "InvalidInput"
      )
    }
    const owned = [...state.subnets.values()].filter((s) => s.projectId === caller.projectId).length
    if (owned + 1 > (quotaOf(ctx)?.subnets ?? 0)) return yield* overQuota("subnet")
    const first = v4 === null ? 0 : ipToNumber(cidr.split("/")[0] ?? "")
    const last = v4 === null ? -1 : first + 2 ** (32 - Number(v4[5])) - 1
    const askedGateway = field(body, "gateway_ip")
    const gatewayIp =
      askedGateway === null
        ? null
        : (stringField(body, "gateway_ip") ?? (v4 === null ? null : numberToIp(first + 1)))
    if (gatewayIp !== null && v4 !== null && !inCidr(cidr, gatewayIp)) {
      return yield* refuse(
        "neutron",
        400,
        `Invalid input for operation: Gateway IP ${gatewayIp} conflicts with the subnet ${cidr}.`,
        "InvalidInput"
      )
    }
    const subnet: Subnet = {
      id: uuid(),
      name: stringField(body, "name") ?? "",
      networkId: network.id,
      projectId: caller.projectId,
      cidr,
      ipVersion,
      gatewayIp,
      dnsNameservers: stringArray(field(body, "dns_nameservers")),
      enableDhcp: field(body, "enable_dhcp") !== false,
      pool: v4 === null ? { start: 1, end: 0 } : { start: first + 2, end: last - 1 },
      allocated: new Set(gatewayIp === null ? [] : [gatewayIp]),
      createdAt: now,
      tags: [],
      revision: 0,
      updatedAt: now
    }
    state.subnets.set(subnet.id, subnet)
    network.subnetIds.push(subnet.id)
    return ok({ subnet: subnetView(subnet) }, 201)
  })

/** Neutron refuses while a port (but DHCP's) has an address on the subnet: a router interface too. */
const deleteSubnet = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const { state } = ctx
    const subnet = yield* ownSubnet(ctx, id)
    const user = [...state.ports.values()].find(
      (p) => p.deviceOwner !== "network:dhcp" && p.fixedIps.some((ip) => ip.subnetId === id)
    )
    if (user !== undefined) {
      return yield* refuse(
        "neutron",
        409,
        `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
        "SubnetInUse"
      )
    }
    state.subnets.delete(id)
    const network = state.networks.get(subnet.networkId)
    if (network !== undefined) network.subnetIds.splice(network.subnetIds.indexOf(id), 1)
    return noContent
  })

const createRouter = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const body = field(ctx.call.json, "router")
    const owned = [...state.routers.values()].filter((r) => r.projectId === caller.projectId).length
    if (owned + 1 > (quotaOf(ctx)?.routers ?? 0)) return yield* overQuota("router")
    const externalId = stringField(field(body, "external_gateway_info"), "network_id")
    let gateway: Router["gateway"] = null
    if (externalId !== undefined) {
      const network = state.networks.get(externalId)
      if (network === undefined) {
        return yield* refuse("neutron", 404, `Network ${externalId} could not be found.`, "NetworkNotFound")
      }
      if (!network.external) {
        return yield* refuse(
          "neutron",
          400,
          `Bad router request: Network ${externalId} is not an external network.`,
          "BadRequest"
        )
      }
      const subnet = state.subnets.get(network.subnetIds[0] ?? "")
      const address = subnet === undefined ? undefined : allocateAddress(subnet)
      if (subnet === undefined || address === undefined) {
        return yield* refuse(
          "neutron",
          409,
          `No more IP addresses available on network ${externalId}.`,
          "IpAddressGenerationFailure"
        )
      }
      gateway = { networkId: externalId, subnetId: subnet.id, ipAddress: address }
    }
    const router: Router = {
      id: uuid(),
      name: stringField(body, "name") ?? "",
      projectId: caller.projectId,
      description: stringField(body, "description") ?? "",
      gateway,
      createdAt: now,
      tags: [],
      revision: 1,
      updatedAt: now
    }
    state.routers.set(router.id, router)
    return ok({ router: routerView(router) }, 201)
  })

const interfacesOf = (ctx: Ctx, routerId: string) =>
  [...ctx.state.ports.values()].filter((p) => p.deviceId === routerId && isRouterPort(p))

const deleteRouter = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const { state } = ctx
    const router = yield* ownRouter(ctx, id)
    if (interfacesOf(ctx, id).length > 0) {
      return yield* refuse("neutron", 409, `Router ${id} still has ports`, "RouterInUse")
    }
    if (router.gateway !== null) {
      state.subnets.get(router.gateway.subnetId)?.allocated.delete(router.gateway.ipAddress)
    }
    state.routers.delete(id)
    return noContent
  })

const addRouterInterface = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const router = yield* ownRouter(ctx, id)
    const subnetId = stringField(ctx.call.json, "subnet_id")
    if (subnetId === undefined) {
      return yield* refuse(
        "neutron",
        400,
        "Bad router request: Either subnet_id or port_id must be specified."
      )
    }
    const subnet = yield* ownSubnet(ctx, subnetId)
    if (subnet.gatewayIp === null) {
      return yield* refuse(
        "neutron",
        400,
        `Bad router request: Subnet ${subnetId} does not have a gateway IP.`,
        "BadRequest"
      )
    }
    const existing = interfacesOf(ctx, id)
    for (const port of existing) {
      for (const ip of port.fixedIps) {
        const other = state.subnets.get(ip.subnetId)
        if (ip.subnetId === subnetId) {
          return yield* refuse(
            "neutron",
            400,
            `Bad router request: Router already has a port on subnet ${subnetId}.`,
            "BadRequest"
          )
        }
        if (other !== undefined && overlaps(other.cidr, subnet.cidr)) {
          return yield* refuse(
            "neutron",
            400,
            `Bad router request: Cidr ${subnet.cidr} of subnet ${subnetId} overlaps with cidr ${other.cidr} of subnet ${other.id}.`,
            "BadRequest"
          )
        }
      }
    }
    const port: Port = {
      id: uuid(),
      name: "",
      networkId: subnet.networkId,
      projectId: caller.projectId,
      macAddress: "fa:16:3e:00:00:01",
      fixedIps: [{ subnetId, ipAddress: subnet.gatewayIp }],
      securityGroupIds: [],
      description: "",
      madeByNova: false,
      createdAt: now,
      deviceId: router.id,
      deviceOwner: "network:router_interface",
      status: "ACTIVE",
      tags: [],
      revision: 1,
      updatedAt: now
    }
    state.ports.set(port.id, port)
    return ok({
      id: router.id,
      network_id: subnet.networkId,
      port_id: port.id,
      subnet_id: subnetId,
      subnet_ids: [subnetId],
      tenant_id: caller.projectId,
      project_id: caller.projectId
    })
  })

const removeRouterInterface = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    yield* ownRouter(ctx, id)
    const subnetId = stringField(ctx.call.json, "subnet_id")
    const portId = stringField(ctx.call.json, "port_id")
    const port = interfacesOf(ctx, id).find(
      (p) => p.id === portId || (subnetId !== undefined && p.fixedIps.some((ip) => ip.subnetId === subnetId))
    )
    if (port === undefined) {
      return yield* refuse(
        "neutron",
        404,
        subnetId !== undefined
          ? `Router ${id} has no interface on subnet ${subnetId}`
          : `Router ${id} does not have an interface with id ${portId ?? ""}`,
        subnetId !== undefined ? "RouterInterfaceNotFoundForSubnet" : "RouterInterfaceNotFound"
      )
    }
    // The gateway address stays the subnet's: it was never in the pool.
    ctx.state.ports.delete(port.id)
    return ok({
      id,
      port_id: port.id,
      subnet_id: port.fixedIps[0]?.subnetId ?? "",
      project_id: port.projectId
    })
  })

/** Creates, deletes and tag changes of `/networks`, `/subnets` and `/routers…` (below `/v2.0`). */
export const route = (ctx: Ctx): Effect.Effect<Answer, Refusal> | undefined => {
  const { call } = ctx
  const [, collection, id, more] = call.path.split("/")
  const method = call.method
  switch (collection) {
    case "networks":
      if (id === undefined) return method === "POST" ? createNetwork(ctx) : undefined
      if (more === "tags" && method === "PUT")
        return Effect.flatMap(ownNetwork(ctx, id), (n) => replaceTags(ctx, n))
      return more === undefined && method === "DELETE" ? deleteNetwork(ctx, id) : undefined
    case "subnets":
      if (id === undefined) return method === "POST" ? createSubnet(ctx) : undefined
      if (more === "tags" && method === "PUT")
        return Effect.flatMap(ownSubnet(ctx, id), (s) => replaceTags(ctx, s))
      return more === undefined && method === "DELETE" ? deleteSubnet(ctx, id) : undefined
    case "routers": {
      if (id === undefined) return method === "POST" ? createRouter(ctx) : undefined
      if (more === "tags")
        return method === "PUT" ? Effect.flatMap(ownRouter(ctx, id), (r) => replaceTags(ctx, r)) : undefined
      if (more === "add_router_interface") return method === "PUT" ? addRouterInterface(ctx, id) : undefined
      if (more === "remove_router_interface")
        return method === "PUT" ? removeRouterInterface(ctx, id) : undefined
      if (more !== undefined) return undefined
      if (method === "GET") return Effect.map(ownRouter(ctx, id), (r) => ok({ router: routerView(r) }))
      return method === "DELETE" ? deleteRouter(ctx, id) : undefined
    }
    default:
      return undefined
  }
}
