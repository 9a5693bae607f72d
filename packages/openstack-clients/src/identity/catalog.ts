import { Effect, Schema } from "effect"
import { OpenStackEndpointNotFound } from "../errors.js"

export const EndpointInterface = Schema.Literal("public", "internal", "admin")
export type EndpointInterface = typeof EndpointInterface.Type

export const CatalogEndpoint = Schema.Struct({
  interface: Schema.String,
  url: Schema.String,
  region: Schema.optional(Schema.NullOr(Schema.String)),
  region_id: Schema.optional(Schema.NullOr(Schema.String))
})

export const CatalogEntry = Schema.Struct({
  type: Schema.String,
  name: Schema.optional(Schema.String),
  endpoints: Schema.Array(CatalogEndpoint)
})

/** The service catalog of a token: which service type answers at which URL, per interface and region. */
export const Catalog = Schema.Array(CatalogEntry)
export type Catalog = typeof Catalog.Type

export interface EndpointFilter {
  readonly serviceType: string
  readonly interface: EndpointInterface
  /** When absent, any region matches (the first endpoint listed wins). */
  readonly region?: string | undefined
}

const inRegion = (endpoint: typeof CatalogEndpoint.Type, region: string | undefined): boolean =>
  region === undefined || endpoint.region_id === region || endpoint.region === region

/** The URL of the first endpoint of the service type with the interface (and region) asked for. */
export const selectEndpoint = (
  catalog: Catalog,
  filter: EndpointFilter
): Effect.Effect<string, OpenStackEndpointNotFound> => {
  for (const entry of catalog) {
    if (entry.type !== filter.serviceType) continue
    const found = entry.endpoints.find((e) => e.interface === filter.interface && inRegion(e, filter.region))
    if (found !== undefined) return Effect.succeed(found.url)
  }
  const where = filter.region === undefined ? "" : ` in region ${filter.region}`
  return Effect.fail(
    new OpenStackEndpointNotFound({
      service: "keystone",
      serviceType: filter.serviceType,
      interface: filter.interface,
      message: `the service catalog has no ${filter.interface} endpoint for ${filter.serviceType}${where}`
    })
  )
}
