/**
 * The floor: the plumbing calls Enamel's server.create makes, made directly with plain fetch (no
 * library) in critical-path order, as alice: the boot volume (created from the image, polled every 0.2 s
 * until available) and the port at the same time; then the boot from the volume and the floating IP on
 * the port at the same time; then the server polled every 0.2 s until ACTIVE. Names are resolved to ids
 * before the clock starts (Enamel resolves them inside its time). Everything is deleted afterwards.
 */
import { call, gone, type Login, pollUntil } from "./support/cloud.js"

interface Id {
  readonly id: string
}

export interface FloorIds {
  readonly imageId: string
  readonly flavorId: string
  readonly networkId: string
  readonly externalNetworkId: string
}

const first = async (who: Login, service: string, path: string, key: string) => {
  const found = (await call<Record<string, ReadonlyArray<Id>>>(who, service, "GET", path))[key]?.[0]
  if (found === undefined) throw new Error(`nothing at ${service} ${path}`)
  return found.id
}

export const resolveIds = async (who: Login): Promise<FloorIds> => {
  const flavors = await call<{ flavors: ReadonlyArray<Id & { name: string }> }>(
    who,
    "compute",
    "GET",
    "/flavors"
  )
  const flavorId = flavors.flavors.find((f) => f.name === "m1.tiny")?.id
  if (flavorId === undefined) throw new Error("no flavor m1.tiny")
  return {
    flavorId,
    imageId: await first(who, "image", "/v2/images?name=tiny", "images"),
    networkId: await first(who, "network", "/v2.0/networks?name=private", "networks"),
    externalNetworkId: await first(who, "network", "/v2.0/networks?name=public", "networks")
  }
}

const volumeStatus = (who: Login, id: string) =>
  call<{ volume: { status: string } }>(who, "volumev3", "GET", `/volumes/${id}`).then((v) => v.volume.status)

const serverStatus = (who: Login, id: string) =>
  call<{ server: { status: string } }>(who, "compute", "GET", `/servers/${id}`).then((s) => s.server.status)

interface Made {
  volumeId?: string
  portId?: string
  serverId?: string
  floatingIpId?: string
}

/** One server the fastest way the cloud allows; returns the wall time in seconds. */
export const floorCreate = async (who: Login, ids: FloorIds, name: string): Promise<number> => {
  const made: Made = {}
  const started = performance.now()
  try {
    const [volumeId, portId] = await Promise.all([
      call<{ volume: Id }>(who, "volumev3", "POST", "/volumes", {
        volume: { name: `${name}-boot`, size: 1, imageRef: ids.imageId }
      }).then(async ({ volume }) => {
        made.volumeId = volume.id
        await pollUntil(
          () => volumeStatus(who, volume.id),
          (s) => s === "available",
          (s) => s === "error"
        )
        return volume.id
      }),
      call<{ port: Id }>(who, "network", "POST", "/v2.0/ports", {
        port: { name: `${name}-port0`, network_id: ids.networkId }
      }).then(({ port }) => {
        made.portId = port.id
        return port.id
      })
    ])
    const [serverId] = await Promise.all([
      call<{ server: Id }>(who, "compute", "POST", "/servers", {
        server: {
          name,
          flavorRef: ids.flavorId,
          block_device_mapping_v2: [
            {
              boot_index: 0,
              uuid: volumeId,
              source_type: "volume",
              destination_type: "volume",
              delete_on_termination: false
            }
          ],
          networks: [{ port: portId }]
        }
      }).then(({ server }) => {
        made.serverId = server.id
        return server.id
      }),
      call<{ floatingip: Id }>(who, "network", "POST", "/v2.0/floatingips", {
        floatingip: { floating_network_id: ids.externalNetworkId, port_id: portId }
      }).then(({ floatingip }) => {
        made.floatingIpId = floatingip.id
      })
    ])
    await pollUntil(
      () => serverStatus(who, serverId),
      (s) => s === "ACTIVE",
      (s) => s === "ERROR"
    )
    return (performance.now() - started) / 1000
  } finally {
    await removeAll(who, made)
  }
}

/** Server first (and waited for, so the volume is detached), then its floating IP, port and volume. */
const removeAll = async (who: Login, made: Made) => {
  if (made.serverId !== undefined) {
    const id = made.serverId
    await call(who, "compute", "DELETE", `/servers/${id}`)
    await gone(() => serverStatus(who, id))
  }
  if (made.floatingIpId !== undefined)
    await call(who, "network", "DELETE", `/v2.0/floatingips/${made.floatingIpId}`)
  if (made.portId !== undefined) await call(who, "network", "DELETE", `/v2.0/ports/${made.portId}`)
  if (made.volumeId !== undefined) {
    const id = made.volumeId
    await pollUntil(
      () => volumeStatus(who, id),
      (s) => s === "available" || s === "error",
      () => false
    )
    await call(who, "volumev3", "DELETE", `/volumes/${id}`)
    await gone(() => volumeStatus(who, id))
  }
}
