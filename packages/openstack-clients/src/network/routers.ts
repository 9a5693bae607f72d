import { Effect, Schema } from "effect"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { FixedIp } from "./ports.js"
import { projectId, putTags, tagCreated, tags, tagsQuery } from "./resources.js"

/** The router's way out: its gateway on an external network (the gateway port itself is admin-only). */
export const ExternalGateway = Schema.Struct({
  networkId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("network_id")),
  externalFixedIps: Schema.optionalWith(Schema.Array(FixedIp), { default: () => [] }).pipe(
    Schema.fromKey("external_fixed_ips")
  )
})
export type ExternalGateway = typeof ExternalGateway.Type

export const Router = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  projectId,
  externalGateway: Schema.optionalWith(Schema.NullOr(ExternalGateway), { default: () => null }).pipe(
    Schema.fromKey("external_gateway_info")
  ),
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  tags
})
export type Router = typeof Router.Type

/** What `add_router_interface` answers: the interface's port on the subnet. */
export const RouterInterface = Schema.Struct({
  portId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("port_id")),
  subnetId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("subnet_id"))
})
export type RouterInterface = typeof RouterInterface.Type

const RouterBody = Schema.Struct({ router: Router })
const RoutersPage = Schema.Struct({ routers: Schema.Array(Router), routers_links: Schema.optional(Links) })

export interface RouterCreate {
  readonly name: string
  readonly description?: string
  /** The router's gateway goes on this external network in the create call itself. */
  readonly externalNetworkId?: string
  /** Set right after creation; the router is deleted again if tagging fails. */
  readonly tags?: ReadonlyArray<string>
}

export interface RouterFilter {
  readonly name?: string
  readonly tags?: ReadonlyArray<string>
  readonly projectId?: string
  readonly pageSize?: number
}

/** One side of `remove_router_interface`: the subnet, or the interface's port. */
export type RouterInterfaceRef = { readonly subnetId: string } | { readonly portId: string }

export const makeRouterOperations = (api: ServiceApi) => {
  const path = (id: string) => `routers/${segment(id)}`

  /** Fails with OpenStackConflict (RouterInUse) while it has interfaces. */
  const deleteRouter = Effect.fn("Neutron.deleteRouter")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: path(id) })
  })

  const createRouter = Effect.fn("Neutron.createRouter")(function* (spec: RouterCreate) {
    const created = (yield* api.json(
      {
        method: "POST",
        path: "routers",
        json: {
          router: {
            name: spec.name,
            description: spec.description,
            external_gateway_info:
              spec.externalNetworkId === undefined ? undefined : { network_id: spec.externalNetworkId }
          }
        }
      },
      RouterBody
    )).router
    return yield* tagCreated(api, "routers", created, spec.tags, deleteRouter)
  })

  const getRouter = Effect.fn("Neutron.getRouter")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: path(id) }, RouterBody)).router
  })

  const listRouters = Effect.fn("Neutron.listRouters")(function* (filter: RouterFilter = {}) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "routers",
        query: {
          name: filter.name,
          tags: tagsQuery(filter.tags),
          project_id: filter.projectId,
          limit: filter.pageSize
        }
      },
      { schema: RoutersPage, items: (page) => page.routers, next: (page) => nextLink(page.routers_links) }
    )
  })

  /** Replaces the router's tags with these. */
  const setRouterTags = Effect.fn("Neutron.setRouterTags")(function* (
    id: string,
    wanted: ReadonlyArray<string>
  ) {
    return yield* putTags(api, "routers", id, wanted)
  })

  /** Plugs the router into the subnet: Neutron makes a port with the subnet's gateway address. */
  const addRouterInterface = Effect.fn("Neutron.addRouterInterface")(function* (
    routerId: string,
    interfaceOn: { readonly subnetId: string }
  ) {
    return yield* api.json(
      {
        method: "PUT",
        path: `${path(routerId)}/add_router_interface`,
        json: { subnet_id: interfaceOn.subnetId }
      },
      RouterInterface
    )
  })

  /** Unplugs it (its port goes too); OpenStackNotFound when the router has no interface there. */
  const removeRouterInterface = Effect.fn("Neutron.removeRouterInterface")(function* (
    routerId: string,
    interfaceOn: RouterInterfaceRef
  ) {
    yield* api.discard({
      method: "PUT",
      path: `${path(routerId)}/remove_router_interface`,
      json: "subnetId" in interfaceOn ? { subnet_id: interfaceOn.subnetId } : { port_id: interfaceOn.portId }
    })
  })

  return {
    createRouter,
    getRouter,
    listRouters,
    deleteRouter,
    setRouterTags,
    addRouterInterface,
    removeRouterInterface
  }
}
