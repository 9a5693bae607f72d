import { Effect, Schema } from "effect"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { projectId, putTags, tagCreated, tags, tagsQuery } from "./resources.js"

export const FloatingIp = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  floatingIpAddress: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("floating_ip_address")),
  floatingNetworkId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("floating_network_id")),
  portId: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("port_id")
  ),
  fixedIpAddress: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("fixed_ip_address")
  ),
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  projectId,
  tags
})
export type FloatingIp = typeof FloatingIp.Type

const FloatingIpBody = Schema.Struct({ floatingip: FloatingIp })
const FloatingIpsPage = Schema.Struct({
  floatingips: Schema.Array(FloatingIp),
  floatingips_links: Schema.optional(Links)
})

export interface FloatingIpCreate {
  /** The external network to allocate from (find it with `findNetwork("public")`). */
  readonly networkId: string
  /** Associate with this port right away. */
  readonly portId?: string
  readonly description?: string
  /** Set right after creation; the floating IP is released again if tagging fails. */
  readonly tags?: ReadonlyArray<string>
}

export const floatingIpCreateBody = (spec: FloatingIpCreate) => ({
  floatingip: { floating_network_id: spec.networkId, port_id: spec.portId, description: spec.description }
})

export const makeFloatingIpOperations = (api: ServiceApi) => {
  const path = (id: string) => `floatingips/${segment(id)}`

  const deleteFloatingIp = Effect.fn("Neutron.deleteFloatingIp")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: path(id) })
  })

  const createFloatingIp = Effect.fn("Neutron.createFloatingIp")(function* (spec: FloatingIpCreate) {
    const created = (yield* api.json(
      { method: "POST", path: "floatingips", json: floatingIpCreateBody(spec) },
      FloatingIpBody
    )).floatingip
    return yield* tagCreated(api, "floatingips", created, spec.tags, deleteFloatingIp)
  })

  const getFloatingIp = Effect.fn("Neutron.getFloatingIp")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: path(id) }, FloatingIpBody)).floatingip
  })

  /** Associates the floating IP with a port, or disassociates it (`null`). */
  const associateFloatingIp = Effect.fn("Neutron.associateFloatingIp")(function* (
    id: string,
    portId: string | null
  ) {
    return (yield* api.json(
      { method: "PUT", path: path(id), json: { floatingip: { port_id: portId } } },
      FloatingIpBody
    )).floatingip
  })

  const listFloatingIps = Effect.fn("Neutron.listFloatingIps")(function* (
    filter: {
      readonly tags?: ReadonlyArray<string>
      readonly portId?: string
      readonly pageSize?: number
    } = {}
  ) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "floatingips",
        query: { tags: tagsQuery(filter.tags), port_id: filter.portId, limit: filter.pageSize }
      },
      {
        schema: FloatingIpsPage,
        items: (page) => page.floatingips,
        next: (page) => nextLink(page.floatingips_links)
      }
    )
  })

  /** Replaces the floating IP's tags with these. */
  const setFloatingIpTags = Effect.fn("Neutron.setFloatingIpTags")(function* (
    id: string,
    wanted: ReadonlyArray<string>
  ) {
    return yield* putTags(api, "floatingips", id, wanted)
  })

  return {
    createFloatingIp,
    getFloatingIp,
    associateFloatingIp,
    listFloatingIps,
    deleteFloatingIp,
    setFloatingIpTags
  }
}
