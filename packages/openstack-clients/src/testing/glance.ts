/** Glance v2 in the double: the public images, by id or listed (by name), with Glance's `next` links. */
import { Effect } from "effect"
import { type Answer, type Ctx, isoSeconds, ok, paginate, type Refusal, refuse } from "./http.js"
import { newestFirst } from "./order.js"
import type { Image } from "./state.js"

const imageView = (image: Image) => ({
  name: image.name,
  disk_format: "raw",
  container_format: "bare",
  visibility: "public",
  size: 1_048_576,
  virtual_size: 1_048_576,
  status: "active",
  checksum: "b6d81b360a5672d80c27430f39153e2c",
  protected: false,
  min_ram: 0,
  min_disk: 0,
  owner: image.ownerId,
  os_hidden: false,
  os_hash_algo: "sha512",
  id: image.id,
  created_at: isoSeconds(image.createdAt),
  updated_at: isoSeconds(image.createdAt),
  tags: [],
  self: `/v2/images/${image.id}`,
  file: `/v2/images/${image.id}/file`,
  schema: "/v2/schemas/image",
  stores: "fs"
})

/** Glance links the next page relative to its root, without the host: `/v2/images?marker=…`. */
const relative = (next: string | undefined) => {
  if (next === undefined) return {}
  const url = new URL(next)
  return { next: `${url.pathname}${url.search}` }
}

export const route = (ctx: Ctx): Effect.Effect<Answer, Refusal> | undefined => {
  const { state, call } = ctx
  const [, collection, id, more] = call.path.split("/")
  if (collection !== "images" || call.method !== "GET" || more !== undefined) return undefined
  if (id !== undefined) {
    const image = state.images.get(id)
    return image === undefined
      ? refuse("glance", 404, `No image found with ID ${id}`)
      : Effect.succeed(ok(imageView(image)))
  }
  const images = [...state.images.values()]
    .reverse()
    .filter((image) => call.query.name === undefined || image.name === call.query.name)
    .sort(newestFirst)
  return Effect.map(paginate(call, images, state.pageSize), (page) =>
    ok({
      images: page.items.map(imageView),
      first: "/v2/images",
      schema: "/v2/schemas/images",
      ...relative(page.next)
    })
  )
}
