/**
 * The floors of the attach part (bench/attach.ts): the plumbing calls Enamel's `server.volume.attach`
 * and `server.interface.attach` make, directly with plain fetch and alice's token (as bench/floor.ts), in
 * critical-path order. Waits poll every 0.2 s, as Enamel's do (the clients' `pollInterval`,
 * ENAMEL_OPENSTACK_POLL_INTERVAL, 200 ms by default). Network names are resolved to ids before the clock
 * starts (Enamel resolves them inside its time). The untimed removals are bench/support/resources.ts'.
 */
import { call, type Login, pollUntil } from "./support/cloud.js"
import { removePort, removeVolume, volumeOf } from "./support/resources.js"

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
