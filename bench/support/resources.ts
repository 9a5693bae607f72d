/**
 * The dev cloud's servers, volumes, snapshots, ports, floating IPs and images as the benchmarks read, wait for and
 * remove them with plain fetch: the untimed removals that end a run, and the sweeps by name at the end of
 * a part. Every removal succeeds when the thing is gone already.
 */
import { call, gone, type Login, pollUntil } from "./cloud.js"

/** Nothing when the answer is a 404. */
export const unlessGone = <A>(read: Promise<A>) =>
  read.catch((error: unknown) => {
    if (String(error).includes(" 404 ")) return undefined
    throw error
  })

interface Volume {
  readonly id: string
  readonly name: string | null
  readonly status: string
  readonly attachments: ReadonlyArray<{ readonly server_id: string }>
}

export const volumeOf = (who: Login, id: string) =>
  call<{ volume: Volume }>(who, "volumev3", "GET", `/volumes/${id}`).then((v) => v.volume)

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

interface Snapshot {
  readonly id: string
  readonly name: string | null
  readonly status: string
}

export const snapshotOf = (who: Login, id: string) =>
  call<{ snapshot: Snapshot }>(who, "volumev3", "GET", `/snapshots/${id}`).then((s) => s.snapshot)

/**
 * A snapshot deleted once Cinder allows it (not while it is being made) and waited for until it is gone;
 * one being deleted already is only waited for.
 */
export const removeSnapshot = async (who: Login, snapshotId: string) => {
  const settled = await unlessGone(
    pollUntil(
      () => snapshotOf(who, snapshotId),
      (s) => s.status !== "creating",
      () => false
    )
  )
  if (settled === undefined) return
  if (settled.status !== "deleting")
    await unlessGone(call(who, "volumev3", "DELETE", `/snapshots/${snapshotId}`))
  await gone(() => snapshotOf(who, snapshotId))
}

interface Port {
  readonly id: string
  readonly name: string
  readonly device_id: string
  readonly device_owner: string
}

export const portOf = (who: Login, id: string) =>
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

export interface Server {
  readonly id: string
  readonly name: string
  readonly status: string
  readonly "OS-EXT-STS:task_state"?: string | null
  /** Its name since compute microversion 2.47. */
  readonly flavor?: { readonly original_name?: string }
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

/** Deletes the server through Nova and waits until it is gone. */
export const removeServer = async (who: Login, serverId: string) => {
  await unlessGone(call(who, "compute", "DELETE", `/servers/${serverId}`))
  await gone(() => serverOf(who, serverId))
}

/** A private raw image of alice's, 1 MiB of zeros, active; returns its id. */
export const uploadImage = async (who: Login, name: string) => {
  const image = await call<{ id: string }>(who, "image", "POST", "/v2/images", {
    name,
    disk_format: "raw",
    container_format: "bare",
    visibility: "private"
  })
  const base = who.endpoints.image
  const uploaded = await fetch(`${base}/v2/images/${image.id}/file`, {
    method: "PUT",
    headers: { "x-auth-token": who.token, "content-type": "application/octet-stream" },
    body: new Uint8Array(1024 * 1024)
  })
  if (!uploaded.ok) throw new Error(`image upload: ${uploaded.status} ${await uploaded.text()}`)
  return image.id
}

export const removeImage = async (who: Login, imageId: string) => {
  await unlessGone(call(who, "image", "DELETE", `/v2/images/${imageId}`))
}

/** What alice's project holds whose name starts with `prefix`: servers, volumes, snapshots, ports, images. */
export const named = async (who: Login, prefix: string) => {
  const ours = (name: string | null) => name?.startsWith(prefix) === true
  const [servers, volumes, snapshots, ports, images] = await Promise.all([
    call<{ servers: ReadonlyArray<Server> }>(who, "compute", "GET", "/servers"),
    call<{ volumes: ReadonlyArray<Volume> }>(who, "volumev3", "GET", "/volumes"),
    call<{ snapshots: ReadonlyArray<Snapshot> }>(who, "volumev3", "GET", "/snapshots"),
    call<{ ports: ReadonlyArray<Port> }>(who, "network", "GET", "/v2.0/ports"),
    call<{ images: ReadonlyArray<{ id: string; name: string | null }> }>(
      who,
      "image",
      "GET",
      "/v2/images?visibility=private"
    )
  ])
  return {
    servers: servers.servers.filter((s) => ours(s.name)).map((s) => s.id),
    volumes: volumes.volumes.filter((v) => ours(v.name)).map((v) => v.id),
    snapshots: snapshots.snapshots.filter((s) => ours(s.name)).map((s) => s.id),
    ports: ports.ports.filter((p) => ours(p.name)).map((p) => p.id),
    images: images.images.filter((i) => ours(i.name)).map((i) => i.id)
  }
}
