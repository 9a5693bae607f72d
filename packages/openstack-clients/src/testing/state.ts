/**
 * What the cloud double holds: identities, images, flavors, networks and everything users create, as
 * plain mutable records (the double serialises calls, so one call sees and changes a consistent state),
 * and the changes that are under way (`schedule`, `advance`). What it starts with is in `seed.ts`.
 */
import { randomUUID } from "node:crypto"

/** How many calls to the cloud a change of state takes: the cloud works while it is being called. */
export interface Steps {
  /** BUILD → ACTIVE (or ERROR). */
  readonly serverBuild: number
  /** DELETE accepted (task_state `deleting`) → gone; then its ports are released, its volumes detached. */
  readonly serverDelete: number
  /** `creating` → `available` (or `error`). */
  readonly volumeCreate: number
  /** `deleting` → gone. */
  readonly volumeDelete: number
  /** Attach accepted (`attaching`) → `in-use` on the server; detach accepted (`detaching`) → `available`. */
  readonly volumeAttach: number
  /** A snapshot `creating` → `available` (or `error`); `deleting` → gone. */
  readonly snapshot: number
  /** Resize accepted (RESIZE) → VERIFY_RESIZE; confirm or revert accepted → back in the old state. */
  readonly serverResize: number
}

export const defaultSteps: Steps = {
  serverBuild: 3,
  serverDelete: 2,
  volumeCreate: 2,
  volumeDelete: 2,
  volumeAttach: 2,
  snapshot: 2,
  serverResize: 2
}

/** A project's limits, as the dev cloud sets them (key pairs are Nova's per-user default). */
export interface Quota {
  readonly instances: number
  readonly cores: number
  /** MiB */
  readonly ram: number
  readonly keyPairs: number
  readonly volumes: number
  /** GiB */
  readonly gigabytes: number
  readonly snapshots: number
  readonly ports: number
  readonly floatingIps: number
  readonly networks: number
  readonly subnets: number
  readonly routers: number
}

export const devCloudQuota: Quota = {
  instances: 50,
  cores: 200,
  ram: 204_800,
  keyPairs: 100,
  volumes: 50,
  gigabytes: 1000,
  snapshots: 50,
  ports: 500,
  floatingIps: 100,
  networks: 50,
  subnets: 50,
  routers: 20
}

export interface Project {
  readonly id: string
  readonly name: string
  quota: Quota
}

export interface Role {
  readonly id: string
  readonly name: string
}

export interface User {
  readonly id: string
  readonly name: string
  readonly password: string
  readonly projectId: string
  readonly roles: ReadonlyArray<Role>
}

export interface Token {
  readonly id: string
  readonly userId: string
  readonly projectId: string
  readonly methods: ReadonlyArray<string>
  readonly roles: ReadonlyArray<Role>
  readonly issuedAt: number
  readonly expiresAt: number
  readonly applicationCredential?: { readonly id: string; readonly name: string }
  revoked: boolean
}

export interface ApplicationCredential {
  readonly id: string
  readonly name: string
  readonly description: string | null
  readonly userId: string
  readonly projectId: string
  readonly roles: ReadonlyArray<Role>
  readonly secret: string
  readonly expiresAt: number | null
  readonly unrestricted: boolean
}

export interface Image {
  readonly id: string
  readonly name: string
  readonly ownerId: string
  readonly createdAt: number
}

export interface Flavor {
  readonly id: string
  readonly name: string
  readonly vcpus: number
  readonly ram: number
  readonly disk: number
}

export interface VolumeType {
  readonly id: string
  readonly name: string
  readonly description: string
}

export interface Network {
  readonly id: string
  readonly name: string
  readonly projectId: string
  readonly shared: boolean
  readonly external: boolean
  readonly subnetIds: Array<string>
  readonly description: string
  readonly createdAt: number
  tags: ReadonlyArray<string>
  revision: number
  updatedAt: number
}

export interface Subnet {
  readonly id: string
  readonly name: string
  readonly networkId: string
  readonly projectId: string
  readonly cidr: string
  readonly ipVersion: 4 | 6
  /** null: the subnet has no gateway. */
  readonly gatewayIp: string | null
  readonly dnsNameservers: ReadonlyArray<string>
  readonly enableDhcp: boolean
  /** First and last address handed out, as numbers (IPv4; an IPv6 subnet's pool is empty in the double). */
  readonly pool: { readonly start: number; readonly end: number }
  readonly allocated: Set<string>
  readonly createdAt: number
  tags: ReadonlyArray<string>
  revision: number
  updatedAt: number
}

/** A Neutron router: its gateway on an external network (a port only admins see) and its interfaces (ports). */
export interface Router {
  readonly id: string
  readonly name: string
  readonly projectId: string
  readonly description: string
  /** The external network and the gateway port's address on it. */
  readonly gateway: {
    readonly networkId: string
    readonly subnetId: string
    readonly ipAddress: string
  } | null
  readonly createdAt: number
  tags: ReadonlyArray<string>
  revision: number
  updatedAt: number
}

export interface SecurityGroup {
  readonly id: string
  readonly name: string
  readonly projectId: string
  readonly description: string
  readonly createdAt: number
}

export interface Port {
  readonly id: string
  readonly name: string
  readonly networkId: string
  readonly projectId: string
  readonly macAddress: string
  readonly fixedIps: ReadonlyArray<{ readonly subnetId: string; readonly ipAddress: string }>
  readonly securityGroupIds: ReadonlyArray<string>
  readonly description: string
  /** Made by Nova for a server booted on a network: deleted with the server. */
  readonly madeByNova: boolean
  readonly createdAt: number
  deviceId: string
  deviceOwner: string
  status: string
  tags: ReadonlyArray<string>
  revision: number
  updatedAt: number
}

export interface FloatingIp {
  readonly id: string
  readonly projectId: string
  readonly networkId: string
  readonly address: string
  readonly description: string
  readonly createdAt: number
  portId: string | null
  fixedIp: string | null
  tags: ReadonlyArray<string>
  revision: number
  updatedAt: number
}

export interface BootVolume {
  readonly id: string
  readonly deleteOnTermination: boolean
}

export interface Server {
  readonly id: string
  readonly name: string
  readonly projectId: string
  readonly userId: string
  flavor: Flavor
  readonly imageId: string | undefined
  readonly metadata: Readonly<Record<string, string>>
  readonly tags: ReadonlyArray<string>
  readonly keyName: string | null
  /** Its volumes from the boot (the root first); Nova's own delete may delete them (on termination). */
  volumes: ReadonlyArray<BootVolume>
  readonly availabilityZone: string
  readonly createdAt: number
  portIds: Array<string>
  status: "BUILD" | "ACTIVE" | "SHUTOFF" | "RESIZE" | "VERIFY_RESIZE" | "REVERT_RESIZE" | "ERROR"
  taskState: string | null
  /** A resize under way or awaiting its confirm: the flavor and state it came from. */
  resize?: { readonly from: Flavor; readonly state: "ACTIVE" | "SHUTOFF"; confirming: boolean }
  fault: { readonly message: string; readonly at: number } | undefined
  launchedAt: number | null
  updatedAt: number
}

export interface Attachment {
  readonly id: string
  readonly serverId: string
  readonly device: string
  readonly at: number
}

export interface Volume {
  readonly id: string
  readonly name: string | null
  readonly description: string | null
  readonly projectId: string
  readonly userId: string
  readonly size: number
  readonly imageId: string | undefined
  readonly snapshotId: string | undefined
  readonly volumeType: VolumeType
  metadata: Readonly<Record<string, string>>
  readonly availabilityZone: string
  readonly createdAt: number
  status: string
  attachments: Array<Attachment>
  /** An attach under way (Nova's reservation): to which server, at which device. */
  attaching?: { readonly serverId: string; readonly device: string } | undefined
  updatedAt: number | null
}

export interface Snapshot {
  readonly id: string
  readonly name: string | null
  readonly projectId: string
  readonly volumeId: string
  readonly size: number
  metadata: Readonly<Record<string, string>>
  readonly createdAt: number
  status: string
}

export interface Keypair {
  readonly name: string
  readonly userId: string
  readonly projectId: string
  readonly publicKey: string
  readonly fingerprint: string
  readonly type: string
  readonly createdAt: number
}

/** Cinder's user message about a resource that failed (3.3+). */
export interface UserMessage {
  readonly id: string
  readonly projectId: string
  readonly resourceId: string
  readonly text: string
  readonly createdAt: number
}

export interface CloudState {
  readonly steps: Steps
  /** The newest compute microversion Nova serves (minor of 2.x: 93 as Zed's). */
  readonly computeMaxMicroversion: number
  readonly pageSize: number
  readonly projects: Map<string, Project>
  readonly roles: Readonly<Record<"member" | "reader" | "service" | "admin", Role>>
  readonly users: Map<string, User>
  readonly tokens: Map<string, Token>
  readonly applicationCredentials: Map<string, ApplicationCredential>
  readonly images: Map<string, Image>
  readonly flavors: Map<string, Flavor>
  readonly volumeTypes: Map<string, VolumeType>
  readonly networks: Map<string, Network>
  readonly subnets: Map<string, Subnet>
  readonly routers: Map<string, Router>
  readonly securityGroups: Map<string, SecurityGroup>
  readonly ports: Map<string, Port>
  readonly floatingIps: Map<string, FloatingIp>
  readonly servers: Map<string, Server>
  readonly volumes: Map<string, Volume>
  readonly snapshots: Map<string, Snapshot>
  readonly keypairs: Map<string, Keypair>
  readonly messages: Map<string, UserMessage>
  /** Counts the calls answered; a pending change happens once the count reaches its step. */
  step: number
  pending: Array<{ readonly due: number; readonly change: (now: number) => void }>
}

export const uuid = (): string => randomUUID()
/** Keystone's ids: 32 hex digits. */
export const hexId = (): string => randomUUID().replaceAll("-", "")

/** The change happens `after` calls from now (0: on the next call). */
export const schedule = (state: CloudState, after: number, change: (now: number) => void): void => {
  state.pending.push({ due: state.step + after, change })
}

/** One more call: every change that is due now happens, in the order it was scheduled. */
export const advance = (state: CloudState, now: number): void => {
  state.step += 1
  const due = state.pending.filter((p) => p.due <= state.step)
  state.pending = state.pending.filter((p) => p.due > state.step)
  for (const p of due) p.change(now)
}
