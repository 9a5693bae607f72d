/** What exists in the double, per project: for tests to assert on without going through the clients. */
import type { CloudState } from "./state.js"

export interface ServerSnapshot {
  readonly id: string
  readonly name: string
  readonly status: string
  readonly taskState: string | null
  readonly tags: ReadonlyArray<string>
  readonly metadata: Readonly<Record<string, string>>
  readonly keyName: string | null
  readonly portIds: ReadonlyArray<string>
  readonly volumeIds: ReadonlyArray<string>
}

export interface VolumeSnapshot {
  readonly id: string
  readonly name: string | null
  readonly status: string
  readonly size: number
  readonly bootable: boolean
  readonly metadata: Readonly<Record<string, string>>
  /** The servers it is attached to. */
  readonly attachedTo: ReadonlyArray<string>
}

/** A Cinder snapshot (of a volume), as the state's snapshot shows it. */
export interface SnapshotRecord {
  readonly id: string
  readonly name: string | null
  readonly status: string
  readonly size: number
  readonly volumeId: string
  readonly metadata: Readonly<Record<string, string>>
}

export interface PortSnapshot {
  readonly id: string
  readonly name: string
  readonly network: string
  readonly status: string
  /** The server it is bound to (`""` when free). */
  readonly deviceId: string
  readonly deviceOwner: string
  readonly fixedIps: ReadonlyArray<string>
  readonly description: string
  readonly tags: ReadonlyArray<string>
}

export interface FloatingIpSnapshot {
  readonly id: string
  readonly address: string
  readonly portId: string | null
  readonly description: string
  readonly tags: ReadonlyArray<string>
}

/** A network the project made (seeded ones too), with its subnets' CIDRs. */
export interface NetworkSnapshot {
  readonly id: string
  readonly name: string
  readonly subnets: ReadonlyArray<{ readonly id: string; readonly name: string; readonly cidr: string }>
  readonly tags: ReadonlyArray<string>
}

export interface RouterSnapshot {
  readonly id: string
  readonly name: string
  /** The external network its gateway is on, or null. */
  readonly gatewayNetworkId: string | null
  /** The ports of its interfaces. */
  readonly interfacePortIds: ReadonlyArray<string>
  readonly tags: ReadonlyArray<string>
}

export interface KeypairSnapshot {
  readonly name: string
  readonly user: string
  readonly fingerprint: string
}

export interface ProjectSnapshot {
  readonly servers: ReadonlyArray<ServerSnapshot>
  readonly volumes: ReadonlyArray<VolumeSnapshot>
  readonly snapshots: ReadonlyArray<SnapshotRecord>
  readonly ports: ReadonlyArray<PortSnapshot>
  readonly floatingIps: ReadonlyArray<FloatingIpSnapshot>
  readonly networks: ReadonlyArray<NetworkSnapshot>
  readonly routers: ReadonlyArray<RouterSnapshot>
  /** The keypairs of the project's users. */
  readonly keypairs: ReadonlyArray<KeypairSnapshot>
}

/** Every project by name (`alpha`, `beta`, `service`, `admin`). */
export type CloudSnapshot = Readonly<Record<string, ProjectSnapshot>>

export const emptyProject: ProjectSnapshot = {
  servers: [],
  volumes: [],
  snapshots: [],
  ports: [],
  floatingIps: [],
  networks: [],
  routers: [],
  keypairs: []
}

const byName = <A extends { readonly name: string | null; readonly id: string }>(a: A, b: A) =>
  (a.name ?? "").localeCompare(b.name ?? "") || a.id.localeCompare(b.id)

/** The state as plain values, sorted by name (then id), so that two snapshots compare with `toEqual`. */
export const snapshotOf = (state: CloudState): CloudSnapshot => {
  const result: Record<string, ProjectSnapshot> = {}
  for (const project of state.projects.values()) {
    const own = <A extends { readonly projectId: string }>(items: Iterable<A>) =>
      [...items].filter((item) => item.projectId === project.id)
    result[project.name] = {
      servers: own(state.servers.values())
        .map((s) => ({
          id: s.id,
          name: s.name,
          status: s.status,
          taskState: s.taskState,
          tags: s.tags,
          metadata: s.metadata,
          keyName: s.keyName,
          portIds: s.portIds,
          volumeIds: s.volumes.map((v) => v.id)
        }))
        .sort(byName),
      volumes: own(state.volumes.values())
        .map((v) => ({
          id: v.id,
          name: v.name,
          status: v.status,
          size: v.size,
          bootable: v.imageId !== undefined && v.status !== "creating",
          metadata: v.metadata,
          attachedTo: v.attachments.map((a) => a.serverId)
        }))
        .sort(byName),
      snapshots: own(state.snapshots.values())
        .map((s) => ({
          id: s.id,
          name: s.name,
          status: s.status,
          size: s.size,
          volumeId: s.volumeId,
          metadata: s.metadata
        }))
        .sort(byName),
      ports: own(state.ports.values())
        .map((p) => ({
          id: p.id,
          name: p.name,
          network: state.networks.get(p.networkId)?.name ?? p.networkId,
          status: p.status,
          deviceId: p.deviceId,
          deviceOwner: p.deviceOwner,
          fixedIps: p.fixedIps.map((ip) => ip.ipAddress),
          description: p.description,
          tags: p.tags
        }))
        .sort(byName),
      floatingIps: own(state.floatingIps.values())
        .map((f) => ({
          id: f.id,
          address: f.address,
          portId: f.portId,
          description: f.description,
          tags: f.tags
        }))
        .sort((a, b) => a.description.localeCompare(b.description) || a.id.localeCompare(b.id)),
      networks: own(state.networks.values())
        .map((n) => ({
          id: n.id,
          name: n.name,
          subnets: n.subnetIds.flatMap((id) => {
            const subnet = state.subnets.get(id)
            return subnet === undefined ? [] : [{ id, name: subnet.name, cidr: subnet.cidr }]
          }),
          tags: n.tags
        }))
        .sort(byName),
      routers: own(state.routers.values())
        .map((r) => ({
          id: r.id,
          name: r.name,
          gatewayNetworkId: r.gateway?.networkId ?? null,
          interfacePortIds: [...state.ports.values()]
            .filter((p) => p.deviceId === r.id && p.deviceOwner.startsWith("network:router_interface"))
            .map((p) => p.id),
          tags: r.tags
        }))
        .sort(byName),
      keypairs: own(state.keypairs.values())
        .map((k) => ({
          name: k.name,
          user: state.users.get(k.userId)?.name ?? k.userId,
          fingerprint: k.fingerprint
        }))
        .sort((a, b) => a.name.localeCompare(b.name))
    }
  }
  return result
}
