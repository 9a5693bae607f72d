/**
 * The floors of the attach part (bench/attach.ts): the plumbing calls Enamel's `server.volume.attach`
 * and `server.interface.attach` make, directly with plain fetch and alice's token (as bench/floor.ts), in
 * critical-path order. Waits poll every 0.2 s, as Enamel's do (the clients' `pollInterval`,
 * ENAMEL_OPENSTACK_POLL_INTERVAL, 200 ms by default). Network names are resolved to ids before the clock
 * starts (Enamel resolves them inside its time). Each attach is undone by its detach floor, timed as the
 * detach rows; when an attach fails, bench/support/resources.ts' removals clean up, untimed.
 */
import { call, gone, type Login, pollUntil } from "./support/cloud.js"
import { portOf, removePort, removeVolume, volumeOf } from "./support/resources.js"

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

const attachedTo = (
  volume: { readonly attachments: ReadonlyArray<{ readonly server_id: string }> },
  serverId: string
) => volume.attachments.some((attachment) => attachment.server_id === serverId)

/** The seconds of an attach and of the detach that undid it. */
export interface AttachDetachTimes {
  readonly attach: number
  readonly detach: number
}

const since = (started: number) => (performance.now() - started) / 1000

/**
 * A new 1 GB volume on the server: Cinder create → poll until `available` → Nova os-volume_attachments →
 * poll the volume until `in-use` on the server (Enamel's `waitVolumeAttached`); then its detach floor
 * (`floorVolumeDetach`).
 */
export const floorVolumeAttach = async (
  who: Login,
  serverId: string,
  name: string
): Promise<AttachDetachTimes> => {
  let volumeId: string | undefined
  let attach: number | undefined
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
    attach = since(started)
    return { attach, detach: await floorVolumeDetach(who, serverId, volume.id) }
  } finally {
    if (volumeId !== undefined && attach === undefined) await removeVolume(who, volumeId)
  }
}

/**
 * What Enamel's `server.volume.detach` does for a volume it made: Nova DELETE os-volume_attachments →
 * poll the volume until Cinder lets go of it → Cinder DELETE → poll until 404. Returns the seconds.
 */
export const floorVolumeDetach = async (who: Login, serverId: string, volumeId: string) => {
  const started = performance.now()
  await call(who, "compute", "DELETE", `/servers/${serverId}/os-volume_attachments/${volumeId}`)
  await pollUntil(
    () => volumeOf(who, volumeId),
    (v) => v.status === "available" && !attachedTo(v, serverId),
    (v) => v.status === "error_detaching"
  )
  await call(who, "volumev3", "DELETE", `/volumes/${volumeId}`)
  await gone(() => volumeOf(who, volumeId))
  return since(started)
}

/**
 * A new port on the network with a floating IP, on the server: Neutron create port → Nova os-interface
 * with it (Nova answers once the port is bound; Enamel waits for nothing more) → Neutron create floating IP
 * on the port; then its detach floor (`floorInterfaceDetach`).
 */
export const floorInterfaceAttach = async (
  who: Login,
  ids: AttachIds,
  serverId: string,
  name: string
): Promise<AttachDetachTimes> => {
  let portId: string | undefined
  let attach: number | undefined
  const started = performance.now()
  try {
    const { port } = await call<{ port: Id }>(who, "network", "POST", "/v2.0/ports", {
      port: { name, network_id: ids.networkId }
    })
    portId = port.id
    await call(who, "compute", "POST", `/servers/${serverId}/os-interface`, {
      interfaceAttachment: { port_id: port.id }
    })
    const { floatingip } = await call<{ floatingip: Id }>(who, "network", "POST", "/v2.0/floatingips", {
      floatingip: { floating_network_id: ids.externalNetworkId, port_id: port.id, description: name }
    })
    attach = since(started)
    return { attach, detach: await floorInterfaceDetach(who, serverId, port.id, floatingip.id) }
  } finally {
    if (portId !== undefined && attach === undefined) await removePort(who, portId)
  }
}

/**
 * What Enamel's `server.interface.detach` does for a port it made with a floating IP: Neutron DELETE the
 * floating IP → Nova DELETE os-interface → poll the port until Neutron shows it unbound → Neutron DELETE
 * the port. Returns the seconds.
 */
export const floorInterfaceDetach = async (
  who: Login,
  serverId: string,
  portId: string,
  floatingIpId: string
) => {
  const started = performance.now()
  await call(who, "network", "DELETE", `/v2.0/floatingips/${floatingIpId}`)
  await call(who, "compute", "DELETE", `/servers/${serverId}/os-interface/${portId}`)
  await pollUntil(
    () => portOf(who, portId),
    (p) => p.device_id === "",
    () => false
  )
  await call(who, "network", "DELETE", `/v2.0/ports/${portId}`)
  return since(started)
}
