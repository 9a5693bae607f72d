import { Effect, Option, Schema } from "effect"
import { findByNameOrId } from "../http/lookup.js"
import { collectPages } from "../http/pagination.js"
import { makeServiceApi } from "../http/ServiceApi.js"
import { isUuidLike, segment } from "../http/url.js"

const glance = "glance"

export const Image = Schema.Struct({
  id: Schema.String,
  name: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  status: Schema.String,
  visibility: Schema.optional(Schema.String),
  size: Schema.optionalWith(Schema.NullOr(Schema.Number), { default: () => null }),
  minDisk: Schema.optionalWith(Schema.Number, { default: () => 0 }).pipe(Schema.fromKey("min_disk")),
  minRam: Schema.optionalWith(Schema.Number, { default: () => 0 }).pipe(Schema.fromKey("min_ram")),
  diskFormat: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("disk_format")
  ),
  tags: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
})
export type Image = typeof Image.Type

/** A page of GET /v2/images; `next` is relative (`/v2/images?marker=...`). */
export const ImagesPage = Schema.Struct({
  images: Schema.Array(Image),
  next: Schema.optional(Schema.String)
})

/** Glance v2 images: get by id, find by name or id, list. */
export class Glance extends Effect.Service<Glance>()("@enamel/openstack-clients/Glance", {
  accessors: true,
  effect: Effect.gen(function* () {
    const api = yield* makeServiceApi({ name: glance, type: "image", pathPrefix: "v2" })

    const getImage = Effect.fn("Glance.getImage")(function* (id: string) {
      return yield* api.json({ method: "GET", path: `images/${segment(id)}` }, Image)
    })

    /** Images visible to the session's project, optionally only those with this exact name. */
    const listImages = Effect.fn("Glance.listImages")(function* (
      filter: { readonly name?: string; readonly pageSize?: number } = {}
    ) {
      return yield* collectPages(
        api,
        { method: "GET", path: "images", query: { name: filter.name, limit: filter.pageSize } },
        { schema: ImagesPage, items: (page) => page.images, next: (page) => Option.fromNullable(page.next) }
      )
    })

    /** The image with this id, or else the only image with this name. */
    const findImage = Effect.fn("Glance.findImage")(function* (nameOrId: string) {
      return yield* findByNameOrId({
        service: glance,
        resource: "image",
        nameOrId,
        byId: isUuidLike(nameOrId) ? Option.some(getImage(nameOrId)) : Option.none(),
        byName: listImages({ name: nameOrId })
      })
    })

    return { getImage, listImages, findImage }
  })
}) {}
