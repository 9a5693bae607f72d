import { Effect, Schema } from "effect"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { projectId, putTags, tagCreated, tags, tagsQuery } from "./resources.js"

export const FixedIp = Schema.Struct({
  subnetId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("subnet_id")),
  ipAddress: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("ip_address"))
})

export const Port = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  networkId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("network_id")),
  macAddress: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("mac_address")),
  deviceId: Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("device_id")),
  deviceOwner: Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("device_owner")),
  fixedIps: Schema.optionalWith(Schema.Array(FixedIp), { default: () => [] }).pipe(
    Schema.fromKey("fixed_ips")
  ),
  securityGroups: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }).pipe(
    Schema.fromKey("security_groups")
  ),
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  projectId,
  tags
})
export type Port = typeof Port.Type

const PortBody = Schema.Struct({ port: Port })
const PortsPage = Schema.Struct({ ports: Schema.Array(Port), ports_links: Schema.optional(Links) })

export interface PortCreate {
  readonly networkId: string
  readonly name?: string
  readonly description?: string
  /** Security group ids (find them by name with `findSecurityGroup`); the project's default when absent. */
  readonly securityGroups?: ReadonlyArray<string>
  /** Addresses to ask for: a subnet, optionally with a specific address. */
  readonly fixedIps?: ReadonlyArray<{ readonly subnetId: string; readonly ipAddress?: string }>
  /** Set right after creation (PUT .../tags); the port is deleted again if tagging fails. */
  readonly tags?: ReadonlyArray<string>
}

export const portCreateBody = (spec: PortCreate) => ({
  port: {
    network_id: spec.networkId,
    name: spec.name,
    description: spec.description,
    security_groups: spec.securityGroups,
    fixed_ips: spec.fixedIps?.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress }))
  }
})

export interface PortFilter {
  readonly tags?: ReadonlyArray<string>
  readonly networkId?: string
  readonly deviceId?: string
  /** `network:router_interface`, `network:router_gateway`, `network:dhcp`, `compute:<zone>`… */
  readonly deviceOwner?: string
  readonly projectId?: string
  readonly name?: string
  readonly pageSize?: number
}

export const makePortOperations = (api: ServiceApi) => {
  const deletePort = Effect.fn("Neutron.deletePort")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: `ports/${segment(id)}` })
  })

  const createPort = Effect.fn("Neutron.createPort")(function* (spec: PortCreate) {
    const created = (yield* api.json({ method: "POST", path: "ports", json: portCreateBody(spec) }, PortBody))
      .port
    return yield* tagCreated(api, "ports", created, spec.tags, deletePort)
  })

  const getPort = Effect.fn("Neutron.getPort")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: `ports/${segment(id)}` }, PortBody)).port
  })

  const listPorts = Effect.fn("Neutron.listPorts")(function* (filter: PortFilter = {}) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "ports",
        query: {
          tags: tagsQuery(filter.tags),
          network_id: filter.networkId,
          device_id: filter.deviceId,
          device_owner: filter.deviceOwner,
          project_id: filter.projectId,
          name: filter.name,
          limit: filter.pageSize
        }
      },
      { schema: PortsPage, items: (page) => page.ports, next: (page) => nextLink(page.ports_links) }
    )
  })

  /** Replaces the port's tags with these. */
  const setPortTags = Effect.fn("Neutron.setPortTags")(function* (id: string, wanted: ReadonlyArray<string>) {
    return yield* putTags(api, "ports", id, wanted)
  })

  return { createPort, getPort, listPorts, deletePort, setPortTags }
}
