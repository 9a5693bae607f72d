/**
 * Neutron's ports and floating IPs in the double: addresses from the subnets' pools, quotas, tags, and a
 * floating IP associated with a port at creation or later. A deleted port lets go of its addresses and
 * of its floating IP.
 */
import { Effect } from "effect"
import { allocateAddress, inCidr, macAddress } from "./addresses.js"
import {
  type Answer,
  type Ctx,
  field,
  hasAllTags,
  isoSeconds,
  links,
  noContent,
  ok,
  overQuotaAnswer,
  paginate,
  Refusal,
  refuse,
  stringArray,
  stringField
} from "./http.js"
import { type CloudState, type FloatingIp, type Port, uuid } from "./state.js"

export const portView = (port: Port) => ({
  id: port.id,
  name: port.name,
  network_id: port.networkId,
  tenant_id: port.projectId,
  mac_address: port.macAddress,
  admin_state_up: true,
  status: port.status,
  device_id: port.deviceId,
  device_owner: port.deviceOwner,
  fixed_ips: port.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
  allowed_address_pairs: [],
  extra_dhcp_opts: [],
  security_groups: port.securityGroupIds,
  description: port.description,
  "binding:vnic_type": "normal",
  port_security_enabled: true,
  tags: port.tags,
  created_at: isoSeconds(port.createdAt),
  updated_at: isoSeconds(port.updatedAt),
  revision_number: port.revision,
  project_id: port.projectId
})

export const floatingIpView = (state: CloudState, ip: FloatingIp) => {
  const port = ip.portId === null ? undefined : state.ports.get(ip.portId)
  return {
    id: ip.id,
    tenant_id: ip.projectId,
    floating_ip_address: ip.address,
    floating_network_id: ip.networkId,
    router_id: null,
    port_id: ip.portId,
    fixed_ip_address: ip.fixedIp,
    // No L3 agent on the dev cloud: floating IPs stay DOWN there too.
    status: "DOWN",
    description: ip.description,
    ...(port === undefined
      ? {}
      : {
          port_details: {
            name: port.name,
            network_id: port.networkId,
            mac_address: port.macAddress,
            admin_state_up: true,
            status: port.status,
            device_id: port.deviceId,
            device_owner: port.deviceOwner
          }
        }),
    tags: ip.tags,
    created_at: isoSeconds(ip.createdAt),
    updated_at: isoSeconds(ip.updatedAt),
    revision_number: ip.revision,
    project_id: ip.projectId
  }
}

/** A port goes: its addresses back to the pool, its floating IP disassociated, its server without it. */
export const releasePort = (state: CloudState, port: Port): void => {
  state.ports.delete(port.id)
  for (const ip of port.fixedIps) state.subnets.get(ip.subnetId)?.allocated.delete(ip.ipAddress)
  for (const fip of state.floatingIps.values()) {
    if (fip.portId === port.id) Object.assign(fip, { portId: null, fixedIp: null })
  }
  const server = state.servers.get(port.deviceId)
  if (server !== undefined) server.portIds = server.portIds.filter((id) => id !== port.id)
}

const overQuota = (resource: string) =>
  Effect.fail(new Refusal({ answer: overQuotaAnswer("neutron", resource) }))

const ownPort = (ctx: Ctx, id: string) => {
  const port = ctx.state.ports.get(id)
  return port !== undefined && port.projectId === ctx.caller.projectId
    ? Effect.succeed(port)
    : refuse("neutron", 404, `Port ${id} could not be found.`, "PortNotFound")
}

const fixedIpsFor = (ctx: Ctx, networkId: string, asked: unknown) =>
  Effect.gen(function* () {
    const { state } = ctx
    const network = state.networks.get(networkId)
    if (!Array.isArray(asked) || asked.length === 0) {
      const subnet = state.subnets.get(network?.subnetIds[0] ?? "")
      const address = subnet === undefined ? undefined : allocateAddress(subnet)
      if (subnet === undefined || address === undefined) {
        return yield* refuse(
          "neutron",
          409,
          `No more IP addresses available on network ${networkId}.`,
          "IpAddressGenerationFailure"
        )
      }
      return [{ subnetId: subnet.id, ipAddress: address }]
    }
    const taken: Array<{ subnetId: string; ipAddress: string }> = []
    for (const wanted of asked) {
      const subnet = state.subnets.get(stringField(wanted, "subnet_id") ?? "")
      if (subnet === undefined || subnet.networkId !== networkId) {
        return yield* refuse(
          "neutron",
          400,
          `Invalid input for operation: Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${stringField(wanted, "subnet_id")}.`,
          "InvalidInput"
        )
      }
      const address = stringField(wanted, "ip_address")
      if (address === undefined) {
        const next = allocateAddress(subnet)
        if (next === undefined)
          return yield* refuse(
            "neutron",
            409,
            `No more IP addresses available on network ${networkId}.`,
            "IpAddressGenerationFailure"
          )
        taken.push({ subnetId: subnet.id, ipAddress: next })
        continue
      }
      if (!inCidr(subnet.cidr, address)) {
        return yield* refuse(
          "neutron",
          400,
          `IP address ${address} is not a valid IP for the specified subnet.`,
          "InvalidIpForSubnet"
        )
      }
      if (subnet.allocated.has(address)) {
        return yield* refuse(
          "neutron",
          409,
          `IP address ${address} already allocated in subnet ${subnet.id}`,
          "IpAddressAlreadyAllocated"
        )
      }
      subnet.allocated.add(address)
      taken.push({ subnetId: subnet.id, ipAddress: address })
    }
    return taken
  })

const createPort = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const body = field(ctx.call.json, "port")
    const networkId = stringField(body, "network_id") ?? ""
    const network = state.networks.get(networkId)
    if (network === undefined || !(network.projectId === caller.projectId || network.shared)) {
      return yield* refuse("neutron", 404, `Network ${networkId} could not be found.`, "NetworkNotFound")
    }
    const askedGroups = field(body, "security_groups")
    const groups = Array.isArray(askedGroups)
      ? stringArray(askedGroups)
      : [...state.securityGroups.values()]
          .filter((g) => g.projectId === caller.projectId && g.name === "default")
          .map((g) => g.id)
    for (const id of groups) {
      if (state.securityGroups.get(id)?.projectId !== caller.projectId) {
        return yield* refuse("neutron", 404, `Security group ${id} does not exist`, "SecurityGroupNotFound")
      }
    }
    const owned = [...state.ports.values()].filter((p) => p.projectId === caller.projectId).length
    if (owned + 1 > (state.projects.get(caller.projectId)?.quota.ports ?? 0)) return yield* overQuota("port")
    const fixedIps = yield* fixedIpsFor(ctx, networkId, field(body, "fixed_ips"))
    const port: Port = {
      id: uuid(),
      name: stringField(body, "name") ?? "",
      networkId,
      projectId: caller.projectId,
      macAddress: macAddress(),
      fixedIps,
      securityGroupIds: groups,
      description: stringField(body, "description") ?? "",
      madeByNova: false,
      createdAt: now,
      deviceId: stringField(body, "device_id") ?? "",
      deviceOwner: stringField(body, "device_owner") ?? "",
      status: "DOWN",
      tags: [],
      revision: 1,
      updatedAt: now
    }
    state.ports.set(port.id, port)
    return ok({ port: portView(port) }, 201)
  })

const ownFloatingIp = (ctx: Ctx, id: string) => {
  const ip = ctx.state.floatingIps.get(id)
  return ip !== undefined && ip.projectId === ctx.caller.projectId
    ? Effect.succeed(ip)
    : refuse("neutron", 404, `Floating IP ${id} could not be found`, "FloatingIPNotFound")
}

/** The port a floating IP is to be associated with: the caller's, with an address, and free of others. */
const portToAssociate = (ctx: Ctx, portId: string, ip: FloatingIp | undefined) =>
  Effect.gen(function* () {
    const port = yield* ownPort(ctx, portId)
    const fixed = port.fixedIps[0]
    if (fixed === undefined) {
      return yield* refuse(
        "neutron",
        400,
        `Bad floatingip request: Port ${portId} does not have any IP addresses.`,
        "BadRequest"
      )
    }
    const other = [...ctx.state.floatingIps.values()].find((f) => f.portId === portId && f !== ip)
    if (other !== undefined) {
      return yield* refuse(
        "neutron",
        409,
        `Cannot associate floating IP ${ip?.address ?? ""} with port ${portId} using fixed IP ${fixed.ipAddress}, as that fixed IP already has a floating IP on external network ${other.networkId}.`,
        "FloatingIPPortAlreadyAssociated"
      )
    }
    return { portId, fixedIp: fixed.ipAddress }
  })

const createFloatingIp = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const body = field(ctx.call.json, "floatingip")
    const networkId = stringField(body, "floating_network_id") ?? ""
    const network = state.networks.get(networkId)
    if (network === undefined)
      return yield* refuse("neutron", 404, `Network ${networkId} could not be found.`, "NetworkNotFound")
    if (!network.external) {
      return yield* refuse(
        "neutron",
        400,
        `Bad floatingip request: Network ${networkId} is not a valid external network.`,
        "BadRequest"
      )
    }
    const portId = stringField(body, "port_id")
    const association =
      portId === undefined ? { portId: null, fixedIp: null } : yield* portToAssociate(ctx, portId, undefined)
    const owned = [...state.floatingIps.values()].filter((f) => f.projectId === caller.projectId).length
    if (owned + 1 > (state.projects.get(caller.projectId)?.quota.floatingIps ?? 0))
      return yield* overQuota("floatingip")
    const subnet = state.subnets.get(network.subnetIds[0] ?? "")
    const address = subnet === undefined ? undefined : allocateAddress(subnet)
    if (address === undefined) {
      return yield* refuse(
        "neutron",
        409,
        `No more IP addresses available on network ${networkId}.`,
        "IpAddressGenerationFailure"
      )
    }
    const ip: FloatingIp = {
      id: uuid(),
      projectId: caller.projectId,
      networkId,
      address,
      description: stringField(body, "description") ?? "",
      createdAt: now,
      ...association,
      tags: [],
      revision: 1,
      updatedAt: now
    }
    state.floatingIps.set(ip.id, ip)
    return ok({ floatingip: floatingIpView(state, ip) }, 201)
  })

const updateFloatingIp = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const ip = yield* ownFloatingIp(ctx, id)
    const portId = field(field(ctx.call.json, "floatingip"), "port_id")
    const association =
      typeof portId === "string" ? yield* portToAssociate(ctx, portId, ip) : { portId: null, fixedIp: null }
    Object.assign(ip, association, { revision: ip.revision + 1, updatedAt: ctx.now })
    return ok({ floatingip: floatingIpView(ctx.state, ip) })
  })

/** PUT /{collection}/{id}/tags: replaces the tags (Zed: at most 255 characters each). */
export const replaceTags = (
  ctx: Ctx,
  target: { tags: ReadonlyArray<string>; revision: number; updatedAt: number }
) => {
  const tags = stringArray(field(ctx.call.json, "tags"))
  if (tags.some((tag) => tag.length === 0 || tag.length > 255)) {
    return refuse(
      "neutron",
      400,
      `Invalid input for tags. Reason: '${tags.find((t) => t.length === 0 || t.length > 255)}' is not a valid tag.`,
      "InvalidInput"
    )
  }
  Object.assign(target, { tags: [...new Set(tags)], revision: target.revision + 1, updatedAt: ctx.now })
  return Effect.succeed(ok({ tags: target.tags }))
}

const listPorts = (ctx: Ctx) => {
  const { state, caller, call } = ctx
  const q = call.query
  const ports = [...state.ports.values()].filter(
    (p) =>
      p.projectId === caller.projectId &&
      hasAllTags(p.tags, q.tags) &&
      (q.network_id === undefined || p.networkId === q.network_id) &&
      (q.device_id === undefined || p.deviceId === q.device_id) &&
      (q.device_owner === undefined || p.deviceOwner === q.device_owner) &&
      (q.name === undefined || p.name === q.name) &&
      (q.id === undefined || p.id === q.id)
  )
  return Effect.map(paginate(call, ports, state.pageSize), (page) =>
    ok({ ports: page.items.map(portView), ports_links: links(page.next) })
  )
}

const listFloatingIps = (ctx: Ctx) => {
  const { state, caller, call } = ctx
  const q = call.query
  const ips = [...state.floatingIps.values()].filter(
    (f) =>
      f.projectId === caller.projectId &&
      hasAllTags(f.tags, q.tags) &&
      (q.port_id === undefined || f.portId === q.port_id) &&
      (q.floating_network_id === undefined || f.networkId === q.floating_network_id)
  )
  return Effect.map(paginate(call, ips, state.pageSize), (page) =>
    ok({ floatingips: page.items.map((f) => floatingIpView(state, f)), floatingips_links: links(page.next) })
  )
}

/** `/ports…` and `/floatingips…` (below `/v2.0`). */
export const route = (ctx: Ctx): Effect.Effect<Answer, Refusal> | undefined => {
  const { call, state } = ctx
  const [, collection, id, more] = call.path.split("/")
  const method = call.method
  if (collection === "ports") {
    if (id === undefined)
      return method === "POST" ? createPort(ctx) : method === "GET" ? listPorts(ctx) : undefined
    if (more === "tags")
      return method === "PUT" ? Effect.flatMap(ownPort(ctx, id), (p) => replaceTags(ctx, p)) : undefined
    if (more !== undefined) return undefined
    if (method === "GET") return Effect.map(ownPort(ctx, id), (p) => ok({ port: portView(p) }))
    if (method !== "DELETE") return undefined
    return Effect.flatMap(ownPort(ctx, id), (port) => {
      // A router's interface goes with remove_router_interface, never through the port API.
      if (port.deviceOwner.startsWith("network:router_interface")) {
        return refuse(
          "neutron",
          409,
          `Port ${id} cannot be deleted directly via the port API: has device owner ${port.deviceOwner}.`,
          "L3PortInUse"
        )
      }
      releasePort(state, port)
      return Effect.succeed(noContent)
    })
  }
  if (collection === "floatingips") {
    if (id === undefined) {
      return method === "POST" ? createFloatingIp(ctx) : method === "GET" ? listFloatingIps(ctx) : undefined
    }
    if (more === "tags")
      return method === "PUT" ? Effect.flatMap(ownFloatingIp(ctx, id), (f) => replaceTags(ctx, f)) : undefined
    if (more !== undefined) return undefined
    if (method === "GET")
      return Effect.map(ownFloatingIp(ctx, id), (f) => ok({ floatingip: floatingIpView(state, f) }))
    if (method === "PUT") return updateFloatingIp(ctx, id)
    if (method !== "DELETE") return undefined
    return Effect.map(ownFloatingIp(ctx, id), (ip) => {
      state.floatingIps.delete(ip.id)
      state.subnets.get(state.networks.get(ip.networkId)?.subnetIds[0] ?? "")?.allocated.delete(ip.address)
      return noContent
    })
  }
  return undefined
}
