import { Chunk, Effect, Option, Schema } from "effect"
import type { OpenStackError } from "../errors.js"
import type { Session } from "../identity/Session.js"
import type { ApiRequest, ServiceApi } from "./ServiceApi.js"
import { joinUrl } from "./url.js"

/** A `*_links` array as Nova, Neutron and Cinder return it next to a page of results. */
export const Links = Schema.Array(Schema.Struct({ rel: Schema.String, href: Schema.String }))

/** The `next` link of a `*_links` array, if any. */
export const nextLink = (links: ReadonlyArray<{ readonly rel: string; readonly href: string }> | undefined) =>
  Option.fromNullable(links?.find((link) => link.rel === "next")?.href)

/** How one list call's pages look. */
export interface Pages<P, I, A> {
  readonly schema: Schema.Schema<P, I>
  readonly items: (page: P) => ReadonlyArray<A>
  /** The next page's URL (absolute, or relative to `base`), or none on the last page. */
  readonly next: (page: P) => Option.Option<string>
}

/** A guard against a service that keeps sending the same `next` link. */
const maxPages = 1000

/** Resolves Glance-style `next` links (`/v2/images?marker=...`) against the service's origin and path. */
export const resolveNext = (root: string, next: string): string => {
  if (/^https?:\/\//i.test(next)) return next
  // Glance sends `/v2/images?...` while its root is `.../v2`: keep any path before the `/v2`.
  const base = root.replace(/\/v\d+(\.\d+)?\/?$/, "")
  return joinUrl(base, next)
}

/**
 * Fetches every page of a list (`limit`/`marker` with `next` links) and returns all items in order.
 * `first` is the first page's request; later pages follow the links the service sends.
 */
export const collectPages = <P, I, A>(
  api: ServiceApi,
  first: ApiRequest,
  pages: Pages<P, I, A>
): Effect.Effect<ReadonlyArray<A>, OpenStackError, Session> =>
  Effect.gen(function* () {
    const root = yield* api.root
    let request: ApiRequest = first
    let items = Chunk.empty<A>()
    const seen = new Set<string>()
    for (let page = 0; page < maxPages; page++) {
      const body: P = yield* api.json(request, pages.schema)
      const found = pages.items(body)
      items = Chunk.appendAll(items, Chunk.fromIterable(found))
      const next = pages.next(body)
      if (Option.isNone(next) || found.length === 0) break
      const url = resolveNext(root, next.value)
      if (seen.has(url)) break
      seen.add(url)
      request = { method: "GET", path: url }
    }
    return Chunk.toReadonlyArray(items)
  })
