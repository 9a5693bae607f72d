/**
 * What the double starts with, as the dev cloud's fixtures make it (devcloud/README.md, "Fixtures"):
 * projects alpha (alice), beta (bob) and service (enamel, with the `service` role); image `tiny`; flavors
 * `m1.tiny` and `m1.small`; the external network `public`; a `private` network and the `default` security
 * group per project; the dev cloud's quotas.
 */
import { createHash } from "node:crypto"
import { ipToNumber, numberToIp } from "./addresses.js"
import {
  type CloudState,
  devCloudQuota,
  type Flavor,
  hexId,
  type Image,
  type Network,
  type Project,
  type Role,
  type SecurityGroup,
  type Steps,
  type Subnet,
  type User,
  uuid,
  type VolumeType
} from "./state.js"

/**
 * The same seeded project and user ids in every double (Keystone's form: 32 hex digits): tasks that
 * outlive one double (an Enamel process stopped and started again) still belong to their project.
 */
const stableId = (name: string): string => createHash("sha256").update(name).digest("hex").slice(0, 32)

export interface NetworkSpec {
  /** The owning project's name. */
  readonly project: string
  readonly name: string
  /** An IPv4 /24 or wider, e.g. `10.0.3.0/24`; the gateway is the first address. */
  readonly cidr: string
  readonly shared?: boolean
  readonly external?: boolean
  /** The pool, when not all but the gateway (e.g. `172.24.4.10`–`172.24.4.250` on `public`). */
  readonly pool?: { readonly start: string; readonly end: string }
}

export const projectNamed = (state: CloudState, name: string): Project | undefined =>
  [...state.projects.values()].find((p) => p.name === name)

/** Adds a network with one subnet (`<name>-subnet`), as the dev cloud's fixtures make them. */
export const addNetwork = (state: CloudState, spec: NetworkSpec, now: number): Network | undefined => {
  const project = projectNamed(state, spec.project)
  if (project === undefined) return undefined
  const [base = "", bits = "24"] = spec.cidr.split("/")
  const first = ipToNumber(base)
  const last = first + 2 ** (32 - Number(bits)) - 1
  const network: Network = {
    id: uuid(),
    name: spec.name,
    projectId: project.id,
    shared: spec.shared ?? false,
    external: spec.external ?? false,
    subnetIds: [],
    description: "",
    createdAt: now,
    tags: [],
    revision: 1,
    updatedAt: now
  }
  const subnet: Subnet = {
    id: uuid(),
    name: `${spec.name}-subnet`,
    networkId: network.id,
    projectId: project.id,
    cidr: spec.cidr,
    ipVersion: 4,
    gatewayIp: numberToIp(first + 1),
    dnsNameservers: [],
    enableDhcp: !(spec.external ?? false),
    pool:
      spec.pool === undefined
        ? { start: first + 2, end: last - 1 }
        : { start: ipToNumber(spec.pool.start), end: ipToNumber(spec.pool.end) },
    allocated: new Set([numberToIp(first + 1)]),
    createdAt: now,
    tags: [],
    revision: 0,
    updatedAt: now
  }
  network.subnetIds.push(subnet.id)
  state.networks.set(network.id, network)
  state.subnets.set(subnet.id, subnet)
  return network
}

const role = (name: string): Role => ({ id: hexId(), name })

/** The seeded identities: name, password and project (the dev cloud's fixed dev passwords). */
export const seededUsers = {
  alice: { project: "alpha", roles: ["member", "reader"] },
  bob: { project: "beta", roles: ["member", "reader"] },
  enamel: { project: "service", roles: ["service", "member", "reader"] }
} as const
export type SeededUser = keyof typeof seededUsers

export const seed = (options: {
  readonly steps: Steps
  readonly pageSize: number
  readonly now: number
  readonly computeMaxMicroversion: number
}) => {
  const { now } = options
  const roles = {
    member: role("member"),
    reader: role("reader"),
    service: role("service"),
    admin: role("admin")
  }
  const state: CloudState = {
    steps: options.steps,
    computeMaxMicroversion: options.computeMaxMicroversion,
    pageSize: options.pageSize,
    projects: new Map(),
    roles,
    users: new Map(),
    tokens: new Map(),
    applicationCredentials: new Map(),
    images: new Map(),
    flavors: new Map(),
    volumeTypes: new Map(),
    networks: new Map(),
    subnets: new Map(),
    routers: new Map(),
    securityGroups: new Map(),
    ports: new Map(),
    floatingIps: new Map(),
    servers: new Map(),
    volumes: new Map(),
    snapshots: new Map(),
    keypairs: new Map(),
    messages: new Map(),
    step: 0,
    pending: []
  }
  for (const name of ["admin", "service", "alpha", "beta"]) {
    const project: Project = { id: stableId(`project/${name}`), name, quota: devCloudQuota }
    state.projects.set(project.id, project)
  }
  const projectId = (name: string) => projectNamed(state, name)?.id ?? ""
  for (const [name, spec] of Object.entries(seededUsers)) {
    const user: User = {
      id: stableId(`user/${name}`),
      name,
      password: name,
      projectId: projectId(spec.project),
      roles: spec.roles.map((r) => roles[r])
    }
    state.users.set(user.id, user)
  }
  const image: Image = { id: uuid(), name: "tiny", ownerId: projectId("admin"), createdAt: now }
  state.images.set(image.id, image)
  for (const [name, vcpus, ram, disk] of [
    ["m1.tiny", 1, 512, 1],
    ["m1.small", 1, 1024, 2]
  ] as const) {
    const flavor: Flavor = { id: uuid(), name, vcpus, ram, disk }
    state.flavors.set(flavor.id, flavor)
  }
  const volumeType: VolumeType = { id: uuid(), name: "__DEFAULT__", description: "Default Volume Type" }
  state.volumeTypes.set(volumeType.id, volumeType)
  addNetwork(
    state,
    {
      project: "admin",
      name: "public",
      cidr: "172.24.4.0/24",
      shared: true,
      external: true,
      pool: { start: "172.24.4.10", end: "172.24.4.250" }
    },
    now
  )
  for (const [project, cidr] of [
    ["alpha", "10.0.1.0/24"],
    ["beta", "10.0.2.0/24"]
  ] as const) {
    addNetwork(state, { project, name: "private", cidr }, now)
  }
  for (const project of state.projects.values()) {
    const group: SecurityGroup = {
      id: uuid(),
      name: "default",
      projectId: project.id,
      description: "Default security group",
      createdAt: now
    }
    state.securityGroups.set(group.id, group)
  }
  return state
}
