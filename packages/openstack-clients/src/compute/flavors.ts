import { Effect, Option, Schema } from "effect"
import { findByNameOrId } from "../http/lookup.js"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"

export const Flavor = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  vcpus: Schema.Number,
  /** MiB */
  ram: Schema.Number,
  /** GiB */
  disk: Schema.Number
})
export type Flavor = typeof Flavor.Type

const FlavorBody = Schema.Struct({ flavor: Flavor })
const FlavorsPage = Schema.Struct({ flavors: Schema.Array(Flavor), flavors_links: Schema.optional(Links) })

export const makeFlavorOperations = (api: ServiceApi) => {
  const getFlavor = Effect.fn("Nova.getFlavor")(function* (id: string) {
    const body = yield* api.json({ method: "GET", path: `flavors/${segment(id)}` }, FlavorBody)
    return body.flavor
  })

  /** The flavors the session's project may use. */
  const listFlavors = Effect.fn("Nova.listFlavors")(function* (options: { readonly pageSize?: number } = {}) {
    return yield* collectPages(
      api,
      { method: "GET", path: "flavors/detail", query: { limit: options.pageSize } },
      { schema: FlavorsPage, items: (page) => page.flavors, next: (page) => nextLink(page.flavors_links) }
    )
  })

  /** The flavor with this id, or else the only flavor with this name (flavor ids may be any string). */
  const findFlavor = Effect.fn("Nova.findFlavor")(function* (nameOrId: string) {
    return yield* findByNameOrId({
      service: "nova",
      resource: "flavor",
      nameOrId,
      byId: Option.some(getFlavor(nameOrId)),
      byName: Effect.map(listFlavors(), (flavors) => flavors.filter((flavor) => flavor.name === nameOrId))
    })
  })

  return { getFlavor, listFlavors, findFlavor }
}
