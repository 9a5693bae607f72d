/** Query parameters; undefined values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>

/** `joinUrl("http://h/v3/", "/auth/tokens")` is `http://h/v3/auth/tokens`. */
export const joinUrl = (base: string, path: string): string =>
  path.length === 0 ? base : `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`

export const withQuery = (url: string, query: Query | undefined): string => {
  if (query === undefined) return url
  const parsed = new URL(url)
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) parsed.searchParams.append(name, String(value))
  }
  return parsed.toString()
}

/** One path segment, escaped (ids and names end up in paths). */
export const segment = (value: string): string => encodeURIComponent(value)

const uuidLike = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

/** Whether the value has the shape of a UUID (with or without dashes), i.e. could be an id. */
export const isUuidLike = (value: string): boolean => uuidLike.test(value)

/**
 * A `next` link with the first request's filters put back where the service dropped them (Barbican's
 * links keep `limit` and `offset` but lose `name`).
 */
export const keepFilters = (link: string, filters: Query): string => {
  const parsed = new URL(link)
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined && !parsed.searchParams.has(name)) parsed.searchParams.set(name, String(value))
  }
  return parsed.toString()
}
