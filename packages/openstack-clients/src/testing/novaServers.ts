/**
 * Nova's servers in the double: a build takes a few calls (BUILD → ACTIVE, or ERROR when a fault says so),
 * ports are bound to a server while it lives and its boot volume attached; a delete takes a few calls and
 * then lets go of both (Nova's own ports deleted, a volume deleted on termination deleted).
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import { allocateAddress, macAddress } from "./addresses.js"
import {
  type Ctx,
  field,
  hasAllTags,
  hosts,
  isoMicros,
  isoSeconds,
  links,
  noContent,
  ok,
  overQuotaAnswer,
  paginate,
  Refusal,
  refuse,
  stringArray,
  stringField,
  stringRecord
} from "./http.js"
import { releasePort } from "./neutronPorts.js"
import { newestFirst } from "./order.js"
import { type BootVolume, type CloudState, type Port, type Server, schedule, uuid } from "./state.js"

export const root = `http://${hosts.nova}/v2.1`
/** Zed's newest compute microversion (the double's unless told otherwise). */
export const zedMicroversion = 93

export const selfLinks = (kind: string, id: string) => [
  { rel: "self", href: `${root}/${kind}/${id}` },
  { rel: "bookmark", href: `http://${hosts.nova}/${kind}/${id}` }
]

/** The minor microversion asked for (2.1 when none is), or a refusal outside 2.1 to the newest served. */
export const microversionOf = (ctx: Ctx): Effect.Effect<number, Refusal> => {
  const maxMicroversion = ctx.state.computeMaxMicroversion
  const header = ctx.call.headers["openstack-api-version"]
  if (header === undefined) return Effect.succeed(1)
  const match = /^compute (\d+)\.(\d+)$/.exec(header.trim())
  const minor = match === null || match[1] !== "2" ? Number.NaN : Number(match[2])
  return minor >= 1 && minor <= maxMicroversion
    ? Effect.succeed(minor)
    : refuse(
        "nova",
        406,
        `Version ${header} is not supported by the API. Minimum is 2.1 and maximum is 2.${maxMicroversion}.`
      )
}

export const ownServer = (ctx: Ctx, id: string) => {
  const server = ctx.state.servers.get(id)
  return server !== undefined && server.projectId === ctx.caller.projectId
    ? Effect.succeed(server)
    : refuse("nova", 404, `Instance ${id} could not be found.`)
}

const addressesOf = (state: CloudState, server: Server) => {
  const addresses: Record<string, Array<Record<string, string | number>>> = {}
  for (const portId of server.portIds) {
    const port = state.ports.get(portId)
    if (port === undefined || port.deviceId !== server.id) continue
    const network = state.networks.get(port.networkId)?.name ?? port.networkId
    const list = addresses[network] ?? []
    const entry = (addr: string, type: string) => ({
      version: 4,
      addr,
      "OS-EXT-IPS:type": type,
      "OS-EXT-IPS-MAC:mac_addr": port.macAddress
    })
    for (const ip of port.fixedIps) list.push(entry(ip.ipAddress, "fixed"))
    for (const fip of state.floatingIps.values())
      if (fip.portId === port.id) list.push(entry(fip.address, "floating"))
    addresses[network] = list
  }
  return addresses
}

const vmStates: Record<Server["status"], string> = {
  BUILD: "building",
  ACTIVE: "active",
  SHUTOFF: "stopped",
  RESIZE: "active",
  VERIFY_RESIZE: "resized",
  REVERT_RESIZE: "resized",
  ERROR: "error"
}

/** Nova's power states: 0 no state, 1 running, 4 shut down. */
const powerStates: Record<Server["status"], number> = {
  BUILD: 0,
  ACTIVE: 1,
  SHUTOFF: 4,
  RESIZE: 1,
  VERIFY_RESIZE: 1,
  REVERT_RESIZE: 1,
  ERROR: 0
}

export const serverView = (state: CloudState, server: Server) => {
  const groups = new Set(
    server.portIds
      .flatMap((id) => state.ports.get(id)?.securityGroupIds ?? [])
      .map((id) => state.securityGroups.get(id)?.name ?? id)
  )
  const vmState = vmStates[server.status]
  return {
    id: server.id,
    name: server.name,
    status: server.status,
    tenant_id: server.projectId,
    user_id: server.userId,
    metadata: server.metadata,
    hostId: server.status === "BUILD" ? "" : createHash("sha224").update(server.projectId).digest("hex"),
    image:
      server.imageId === undefined ? "" : { id: server.imageId, links: selfLinks("images", server.imageId) },
    flavor: {
      vcpus: server.flavor.vcpus,
      ram: server.flavor.ram,
      disk: server.flavor.disk,
      ephemeral: 0,
      swap: 0,
      original_name: server.flavor.name,
      extra_specs: {}
    },
    created: isoSeconds(server.createdAt),
    updated: isoSeconds(server.updatedAt),
    addresses: addressesOf(state, server),
    accessIPv4: "",
    accessIPv6: "",
    links: selfLinks("servers", server.id),
    "OS-DCF:diskConfig": "MANUAL",
    progress: 0,
    "OS-EXT-AZ:availability_zone": server.availabilityZone,
    config_drive: "",
    key_name: server.keyName,
    "OS-SRV-USG:launched_at": server.launchedAt === null ? null : isoMicros(server.launchedAt),
    "OS-SRV-USG:terminated_at": null,
    security_groups: [...groups].map((name) => ({ name })),
    "OS-EXT-STS:task_state": server.taskState,
    "OS-EXT-STS:vm_state": vmState,
    "OS-EXT-STS:power_state": powerStates[server.status],
    "os-extended-volumes:volumes_attached": [
      ...server.volumes.map((v) => ({ id: v.id, delete_on_termination: v.deleteOnTermination })),
      ...[...state.volumes.values()]
        .filter(
          (v) =>
            v.attachments.some((a) => a.serverId === server.id) && !server.volumes.some((b) => b.id === v.id)
        )
        .map((v) => ({ id: v.id, delete_on_termination: false }))
    ],
    locked: false,
    locked_reason: null,
    description: null,
    tags: server.tags,
    trusted_image_certificates: null,
    "OS-EXT-SRV-ATTR:hostname": server.name,
    server_groups: [],
    ...(server.fault === undefined
      ? {}
      : { fault: { code: 500, created: isoSeconds(server.fault.at), message: server.fault.message } })
  }
}

/** A server lets go of its ports: the ones Nova made are deleted, the others unbound. */
const releasePorts = (state: CloudState, server: Server, now: number) => {
  for (const portId of server.portIds) {
    const port = state.ports.get(portId)
    if (port === undefined || port.deviceId !== server.id) continue
    if (port.madeByNova) releasePort(state, port)
    else Object.assign(port, { deviceId: "", deviceOwner: "", status: "DOWN", updatedAt: now })
  }
}

/** Nova's side of a server's end: its ports let go, its volumes detached (or deleted on termination). */
const finishDelete = (state: CloudState, server: Server, now: number) => {
  state.servers.delete(server.id)
  releasePorts(state, server, now)
  for (const boot of server.volumes) {
    const volume = state.volumes.get(boot.id)
    if (volume === undefined) continue
    volume.attachments = volume.attachments.filter((a) => a.serverId !== server.id)
    volume.updatedAt = now
    if (boot.deleteOnTermination) {
      volume.status = "deleting"
      schedule(state, state.steps.volumeDelete, () => state.volumes.delete(volume.id))
    } else volume.status = "available"
  }
  // Volumes attached since the boot are detached, and kept.
  for (const volume of state.volumes.values()) {
    if (volume.attaching?.serverId === server.id)
      Object.assign(volume, { attaching: undefined, status: "available" })
    if (!volume.attachments.some((a) => a.serverId === server.id)) continue
    volume.attachments = volume.attachments.filter((a) => a.serverId !== server.id)
    if (volume.status !== "deleting") volume.status = volume.attachments.length > 0 ? "in-use" : "available"
    volume.updatedAt = now
  }
}

/**
 * The build ends: ACTIVE with its volume in-use and its ports up; or (a fault said so) ERROR with Nova's
 * fault, its ports and its volume let go, as after "No valid host was found".
 */
const finishBuild = (state: CloudState, server: Server, failure: string | undefined, now: number) => {
  if (state.servers.get(server.id) !== server || server.status !== "BUILD" || server.taskState === "deleting")
    return
  server.updatedAt = now
  if (failure !== undefined) {
    Object.assign(server, { status: "ERROR", taskState: null, fault: { message: failure, at: now } })
    releasePorts(state, server, now)
    for (const boot of server.volumes) {
      const volume = state.volumes.get(boot.id)
      if (volume !== undefined) volume.status = "available"
    }
    return
  }
  Object.assign(server, { status: "ACTIVE", taskState: null, launchedAt: now })
  // The root at /dev/vda, the other volumes of the boot after it in their order.
  server.volumes.forEach((boot, index) => {
    const volume = state.volumes.get(boot.id)
    if (volume === undefined) return
    volume.status = "in-use"
    const device = `/dev/vd${"abcdefghijklmnopqrstuvwxyz"[index] ?? "z"}`
    volume.attachments.push({ id: uuid(), serverId: server.id, device, at: now })
  })
  for (const portId of server.portIds) {
    const port = state.ports.get(portId)
    if (port !== undefined) port.status = "ACTIVE"
  }
}

export const badRequest = (message: string) => refuse("nova", 400, message)

/** The ports a new server goes on: the caller's free ports, or new ones Nova makes on a network. */
const serverPorts = (ctx: Ctx, networks: unknown) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    if (networks === "none" || networks === "auto" || networks === undefined) return []
    if (!Array.isArray(networks)) return yield* badRequest("Invalid input for field/attribute networks.")
    const ports: Array<Port> = []
    for (const wanted of networks) {
      const portId = stringField(wanted, "port")
      if (portId !== undefined) {
        const port = state.ports.get(portId)
        if (port === undefined || port.projectId !== caller.projectId)
          return yield* badRequest(`Port id ${portId} could not be found.`)
        if (port.deviceId !== "" || ports.includes(port))
          return yield* refuse("nova", 409, `Port ${portId} is still in use.`)
        ports.push(port)
        continue
      }
      const networkId = stringField(wanted, "uuid") ?? ""
      const network = state.networks.get(networkId)
      const subnet = state.subnets.get(network?.subnetIds[0] ?? "")
      const visible = network !== undefined && (network.projectId === caller.projectId || network.shared)
      if (!visible || subnet === undefined)
        return yield* badRequest(`Network ${networkId} could not be found.`)
      const address = allocateAddress(subnet)
      if (address === undefined)
        return yield* badRequest(`No valid host was found. No more IP addresses on ${networkId}.`)
      const group = [...state.securityGroups.values()].find(
        (g) => g.projectId === caller.projectId && g.name === "default"
      )
      const port: Port = {
        id: uuid(),
        name: "",
        networkId,
        projectId: caller.projectId,
        macAddress: macAddress(),
        fixedIps: [{ subnetId: subnet.id, ipAddress: address }],
        securityGroupIds: group === undefined ? [] : [group.id],
        description: "",
        madeByNova: true,
        createdAt: now,
        deviceId: "",
        deviceOwner: "",
        status: "DOWN",
        tags: [],
        revision: 1,
        updatedAt: now
      }
      state.ports.set(port.id, port)
      ports.push(port)
    }
    return ports
  })

/** The boot volumes of `block_device_mapping_v2`: the caller's own, `available` volumes. */
const bootVolumes = (ctx: Ctx, mappings: unknown) =>
  Effect.gen(function* () {
    const found: Array<BootVolume> = []
    for (const mapping of Array.isArray(mappings) ? mappings : []) {
      if (stringField(mapping, "source_type") !== "volume") {
        return yield* badRequest(
          "Block Device Mapping is Invalid: the cloud double boots from existing volumes only."
        )
      }
      const id = stringField(mapping, "uuid") ?? ""
      const volume = ctx.state.volumes.get(id)
      if (volume === undefined || volume.projectId !== ctx.caller.projectId) {
        return yield* badRequest(`Block Device Mapping is Invalid: failed to get volume ${id}.`)
      }
      if (volume.status !== "available") {
        return yield* badRequest(
          `Invalid volume: volume ${id} status must be 'available', not '${volume.status}'.`
        )
      }
      if (found.some((boot) => boot.id === id)) {
        return yield* badRequest(`Block Device Mapping is Invalid: volume ${id} is named twice.`)
      }
      const boot = { id, deleteOnTermination: field(mapping, "delete_on_termination") === true }
      // The root (boot_index 0) first, as Nova orders a server's devices.
      if (field(mapping, "boot_index") === 0) found.unshift(boot)
      else found.push(boot)
    }
    return found
  })

export const createServer = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now, call } = ctx
    const microversion = yield* microversionOf(ctx)
    const body = field(call.json, "server")
    const name = stringField(body, "name")
    if (name === undefined || name.trim() === "")
      return yield* badRequest("Invalid input for field/attribute name.")
    const tags = stringArray(field(body, "tags"))
    if (tags.length > 0 && microversion < 52)
      return yield* badRequest("Additional properties are not allowed ('tags' was unexpected)")
    const flavor = state.flavors.get(stringField(body, "flavorRef") ?? "")
    if (flavor === undefined) return yield* badRequest("Flavor could not be found.")
    const imageId = stringField(body, "imageRef")
    if (imageId !== undefined && !state.images.has(imageId))
      return yield* badRequest("Can not find requested image")
    const zone = stringField(body, "availability_zone") ?? "nova"
    if (zone !== "nova") return yield* badRequest("The requested availability zone is not available")
    const keyName = stringField(body, "key_name") ?? null
    if (keyName !== null && !state.keypairs.has(`${caller.userId}/${keyName}`))
      return yield* badRequest("Invalid key_name provided.")
    const quota = state.projects.get(caller.projectId)?.quota
    const own = [...state.servers.values()].filter((s) => s.projectId === caller.projectId)
    const used = (f: (s: Server) => number) => own.reduce((sum, s) => sum + f(s), 0)
    if (
      quota !== undefined &&
      (own.length + 1 > quota.instances ||
        used((s) => s.flavor.vcpus) + flavor.vcpus > quota.cores ||
        used((s) => s.flavor.ram) + flavor.ram > quota.ram)
    ) {
      return yield* new Refusal({ answer: overQuotaAnswer("nova", "instances") })
    }
    const volumes = yield* bootVolumes(ctx, field(body, "block_device_mapping_v2"))
    if (imageId === undefined && volumes.length === 0) return yield* badRequest("Missing imageRef attribute")
    const ports = yield* serverPorts(ctx, field(body, "networks"))
    const server: Server = {
      id: uuid(),
      name,
      projectId: caller.projectId,
      userId: caller.userId,
      flavor,
      imageId: volumes.length === 0 ? imageId : undefined,
      metadata: stringRecord(field(body, "metadata")),
      tags,
      keyName,
      volumes,
      availabilityZone: zone,
      createdAt: now,
      portIds: ports.map((p) => p.id),
      status: "BUILD",
      taskState: "scheduling",
      fault: undefined,
      launchedAt: null,
      updatedAt: now
    }
    state.servers.set(server.id, server)
    for (const port of ports)
      Object.assign(port, { deviceId: server.id, deviceOwner: `compute:${zone}`, updatedAt: now })
    for (const boot of volumes) {
      const volume = state.volumes.get(boot.id)
      if (volume !== undefined) volume.status = "reserved"
    }
    const failure = ctx.errorState
    schedule(state, state.steps.serverBuild, (at) => finishBuild(state, server, failure, at))
    return ok(
      {
        server: {
          id: server.id,
          links: selfLinks("servers", server.id),
          "OS-DCF:diskConfig": "MANUAL",
          security_groups: [{ name: "default" }],
          adminPass: uuid().slice(0, 12)
        }
      },
      202
    )
  })

/** Nova filters names by regular expression. */
const pattern = (text: string): RegExp | null => {
  try {
    return new RegExp(text)
  } catch {
    return null
  }
}

export const listServers = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, call } = ctx
    const name = call.query.name === undefined ? undefined : pattern(call.query.name)
    if (name === null) return yield* badRequest(`Invalid regular expression: ${call.query.name}`)
    const servers = [...state.servers.values()]
      .reverse()
      .filter((s) => s.projectId === caller.projectId && (name === undefined || name.test(s.name)))
      .filter((s) => hasAllTags(s.tags, call.query.tags))
      .sort(newestFirst)
    const page = yield* paginate(call, servers, state.pageSize)
    return ok({ servers: page.items.map((s) => serverView(state, s)), servers_links: links(page.next) })
  })

export const deleteServer = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const server = yield* ownServer(ctx, id)
    if (server.taskState !== "deleting") {
      Object.assign(server, { taskState: "deleting", updatedAt: ctx.now })
      schedule(ctx.state, ctx.state.steps.serverDelete, (at) => finishDelete(ctx.state, server, at))
    }
    return noContent
  })
