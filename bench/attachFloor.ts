/**
 * The floors of the attach part (bench/attach.ts): the plumbing calls Enamel's `server.volume.attach`
 * and `server.interface.attach` make, directly with plain fetch and alice's token (as bench/floor.ts), in
 * critical-path order. Waits poll every 0.2 s, as Enamel's do (the clients' `pollInterval`,
 * ENAMEL_OPENSTACK_POLL_INTERVAL, 200 ms by default). Network names are resolved to ids before the clock
 * starts (Enamel resolves them inside its time). Also the untimed plumbing removals that end every
 * round of the floor and openstacksdk, and the sweep at the end.
 */
import { call, gone, type Login, pollUntil } from "./support/cloud.js"

interface Id {
  readonly id: string
}

export interface AttachIds {
  readonly networkId: string
  readonly externalNetworkId: string
}

const networkNamed = async (who: Login, name: string) => {
  const found = (
    await call<{ networks: ReadonlyArray<Id> }>(who, "network", "GET", `/v2.0/networks?name=${name}`)
  ).networks[0]
  if (found === undefined) throw new Error(`no network ${name}`)
  return found.id
}

export const resolveAttachIds = async (who: Login): Promise<AttachIds> => ({
  networkId: await networkNamed(who, "private"),
  externalNetworkId: await networkNamed(who, "public")
})

interface Volume {
  readonly id: string
  readonly name: string | null
  readonly status: string
  readonly attachments: ReadonlyArray<{ readonly server_id: string }>
}

const volumeOf = (who: Login, id: string) =>
  call<{ volume: Volume }>(who, "volumev3", "GET", `/volumes/${id}`).then((v) => v.volume)

const attachedTo = (volume: Volume, serverId: string) =>
  volume.attachments.some((attachment) => attachment.server_id === serverId)

/**
 * A new 1 GB volume on the server: Cinder create → poll until `available` → Nova os-volume_attachments →
 * poll the volume until `in-use` on the server (Enamel's `waitVolumeAttached`). Returns the seconds; the
 * volume is detached and deleted afterwards, untimed.
 */
export const floorVolumeAttach = async (who: Login, serverId: string, name: string): Promise<number> => {
  let volumeId: string | undefined
  const started = performance.now()
  try {
    const { volume } = await call<{ volume: Id }>(who, "volumev3", "POST", "/volumes", {
      volume: { name, size: 1 }
    })
    volumeId = volume.id
    await pollUntil(
      () => volumeOf(who, volume.id),
      (v) => v.status === "available",
      (v) => v.status === "error"
    )
    await call(who, "compute", "POST", `/servers/${serverId}/os-volume_attachments`, {
      volumeAttachment: { volumeId: volume.id }
    })
    await pollUntil(
      () => volumeOf(who, volume.id),
      (v) => v.status === "in-use" && attachedTo(v, serverId),
      (v) => v.status === "error" || v.status === "error_attaching"
    )
    return (performance.now() - started) / 1000
  } finally {
    if (volumeId !== undefined) await removeVolume(who, volumeId)
  }
}

/**
 * A new port on the network with a floating IP, on the server: Neutron create port → Nova os-interface
 * with it (Nova answers once the port is bound; Enamel waits for nothing more) → Neutron create floating IP
 * on the port. Returns the seconds; all of it is removed afterwards, untimed.
 */
export const floorInterfaceAttach = async (
  who: Login,
  ids: AttachIds,
  serverId: string,
  name: string
): Promise<number> => {
  let portId: string | undefined
  const started = performance.now()
  try {
    const { port } = await call<{ port: Id }>(who, "network", "POST", "/v2.0/ports", {
      port: { name, network_id: ids.networkId }
    })
    portId = port.id
    await call(who, "compute", "POST", `/servers/${serverId}/os-interface`, {
      interfaceAttachment: { port_id: port.id }
    })
    await call(who, "network", "POST", "/v2.0/floatingips", {
      floatingip: { floating_network_id: ids.externalNetworkId, port_id: port.id, description: name }
    })
    return (performance.now() - started) / 1000
  } finally {
    if (portId !== undefined) await removePort(who, portId)
  }
}

/** Nothing when the answer is a 404. */
const unlessGone = <A>(read: Promise<A>) =>
  read.catch((error: unknown) => {
    if (String(error).includes(" 404 ")) return undefined
    throw error
  })

/** A volume detached from every server it is on (each waited for), then deleted and waited for. */
export const removeVolume = async (who: Login, volumeId: string) => {
  const settled = await unlessGone(
    pollUntil(
      () => volumeOf(who, volumeId),
      (v) => ["available", "in-use", "error", "error_attaching"].includes(v.status),
      () => false
    )
  )
  if (settled === undefined) return
  for (const { server_id } of settled.attachments) {
    await unlessGone(
      call(who, "compute", "DELETE", `/servers/${server_id}/os-volume_attachments/${volumeId}`)
    )
  }
  await pollUntil(
    () => volumeOf(who, volumeId),
    (v) => v.attachments.length === 0 && v.status !== "detaching",
    () => false
  )
  await call(who, "volumev3", "DELETE", `/volumes/${volumeId}`)
  await gone(() => volumeOf(who, volumeId))
}

interface Port {
  readonly id: string
  readonly name: string
  readonly device_id: string
  readonly device_owner: string
}

const portOf = (who: Login, id: string) =>
  call<{ port: Port }>(who, "network", "GET", `/v2.0/ports/${id}`).then((p) => p.port)

interface FloatingIp {
  readonly id: string
  readonly port_id: string | null
  readonly description: string
}

export const floatingIps = async (who: Login, query = "") =>
  (await call<{ floatingips: ReadonlyArray<FloatingIp> }>(who, "network", "GET", `/v2.0/floatingips${query}`))
    .floatingips

export const removeFloatingIp = async (who: Login, id: string) => {
  await unlessGone(call(who, "network", "DELETE", `/v2.0/floatingips/${id}`))
}

/**
 * A port's floating IPs released, the port detached from its server (waited for until Neutron shows it
 * unbound), then deleted. Returns the ids of the floating IPs it released.
 */
export const removePort = async (who: Login, portId: string) => {
  const released = (await floatingIps(who, `?port_id=${portId}`)).map((ip) => ip.id)
  for (const id of released) await removeFloatingIp(who, id)
  const port = await unlessGone(portOf(who, portId))
  if (port === undefined) return released
  if (port.device_id !== "" && port.device_owner.startsWith("compute:")) {
    await unlessGone(call(who, "compute", "DELETE", `/servers/${port.device_id}/os-interface/${portId}`))
    await unlessGone(
      pollUntil(
        () => portOf(who, portId),
        (p) => p.device_id === "",
        () => false
      )
    )
  }
  await unlessGone(call(who, "network", "DELETE", `/v2.0/ports/${portId}`))
  return released
}

interface Server {
  readonly id: string
  readonly name: string
  readonly status: string
  readonly "OS-EXT-STS:task_state"?: string | null
}

export const serverOf = (who: Login, id: string) =>
  call<{ server: Server }>(who, "compute", "GET", `/servers/${id}`).then((s) => s.server)

/** Waits (untimed) until the server is ACTIVE with no task under way, so no side pays for the last one's. */
export const settled = (who: Login, serverId: string) =>
  pollUntil(
    () => serverOf(who, serverId),
    (s) => s.status === "ACTIVE" && (s["OS-EXT-STS:task_state"] ?? null) === null,
    (s) => s.status === "ERROR"
  )

/** What alice's project holds whose name starts with `prefix`: servers, volumes, ports. */
export const named = async (who: Login, prefix: string) => {
  const ours = (name: string | null) => name?.startsWith(prefix) === true
  const [servers, volumes, ports] = await Promise.all([
    call<{ servers: ReadonlyArray<Server> }>(who, "compute", "GET", "/servers"),
    call<{ volumes: ReadonlyArray<Volume> }>(who, "volumev3", "GET", "/volumes"),
    call<{ ports: ReadonlyArray<Port> }>(who, "network", "GET", "/v2.0/ports")
  ])
  return {
    servers: servers.servers.filter((s) => ours(s.name)).map((s) => s.id),
    volumes: volumes.volumes.filter((v) => ours(v.name)).map((v) => v.id),
    ports: ports.ports.filter((p) => ours(p.name)).map((p) => p.id)
  }
}

/** Deletes the server through Nova and waits until it is gone. */
export const removeServer = async (who: Login, serverId: string) => {
  await unlessGone(call(who, "compute", "DELETE", `/servers/${serverId}`))
  await gone(() => serverOf(who, serverId))
}
