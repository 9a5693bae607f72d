/**
 * The double's side of HTTP: where each service lives, a call as the services read it (relative to the
 * service's version root), answers with the services' own error bodies (see `http/errorBody.ts`), and
 * pagination by `limit` and `marker`.
 */
import { Data, Effect } from "effect"
import type { HttpCall, HttpMethod } from "../http/HttpTransport.js"
import type { CloudState, Token } from "./state.js"

export type ServiceName = "keystone" | "nova" | "neutron" | "cinder" | "glance"
const serviceNames: ReadonlyArray<ServiceName> = ["keystone", "nova", "neutron", "cinder", "glance"]

/** Made-up hosts: nothing here can reach a real cloud. */
export const hosts: Readonly<Record<ServiceName, string>> = {
  keystone: "keystone.cloud.test",
  nova: "nova.cloud.test",
  neutron: "neutron.cloud.test",
  cinder: "cinder.cloud.test",
  glance: "glance.cloud.test"
}

/** Keystone's v3 root: the `authUrl` of sessions on the double. */
export const authUrl = `http://${hosts.keystone}/v3`

/** The catalog's URLs; Cinder's holds the project, as a real catalog's does. */
export const endpointOf = (type: string, projectId: string): string | undefined => {
  switch (type) {
    case "identity":
      return `${authUrl}/`
    case "compute":
      return `http://${hosts.nova}/v2.1`
    case "network":
      return `http://${hosts.neutron}`
    case "volumev3":
      return `http://${hosts.cinder}/v3/${projectId}`
    case "image":
      return `http://${hosts.glance}`
    default:
      return undefined
  }
}

/** One call as the service sees it. */
export interface CloudCall {
  readonly service: ServiceName
  readonly method: HttpMethod
  /** Relative to the version root: `/servers/<id>`, `/v2.0` gone from `/ports`, `/` for the version document. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** The parsed JSON body, if any. */
  readonly json: unknown
  readonly bodyText: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly url: string
  /** Cinder's project in the URL (`/v3/<project>/volumes`). */
  readonly urlProject: string | undefined
}

const versionPrefix: Readonly<Record<ServiceName, RegExp>> = {
  keystone: /^\/v3(\/.*)?$/,
  nova: /^\/v2\.1(\/.*)?$/,
  neutron: /^(?:\/v2\.0)?(\/.*)?$/,
  cinder: /^\/v3(?:\/([0-9a-f]{32}))?(\/.*)?$/,
  glance: /^\/v2(\/.*)?$/
}

const parseJson = (text: string): unknown => {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The service a call is for and its path below the version root; undefined for any other host. */
export const parseCall = (call: HttpCall): CloudCall | undefined => {
  const url = new URL(call.url)
  const service = serviceNames.find((name) => hosts[name] === url.host)
  if (service === undefined) return undefined
  const match = versionPrefix[service].exec(url.pathname)
  if (match === null) return undefined
  const [urlProject, rest] = service === "cinder" ? [match[1], match[2]] : [undefined, match[1]]
  const headers = Object.fromEntries(Object.entries(call.headers).map(([k, v]) => [k.toLowerCase(), v]))
  const bodyText = call.body?.text ?? ""
  return {
    service,
    method: call.method,
    path: rest === undefined || rest === "" ? "/" : decodeURIComponent(rest.replace(/\/$/, "") || "/"),
    query: Object.fromEntries(url.searchParams),
    json: parseJson(bodyText),
    bodyText,
    headers,
    url: call.url,
    urlProject
  }
}

/** What a service's handler gets: the state, the call, the time, and who calls (absent for Keystone's POST). */
export interface Ctx {
  readonly state: CloudState
  readonly call: CloudCall
  readonly now: number
  readonly caller: Token
  /** From a fault rule: the server or volume this call creates ends in its error state, for this reason. */
  readonly errorState: string | undefined
}

/** An answer before the double adds its request id. A string body is an HTML page. */
export interface Answer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** A request the service refuses, with the answer it gives. */
export class Refusal extends Data.TaggedError("Refusal")<{ readonly answer: Answer }> {}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): Answer =>
  headers === undefined ? { status, body } : { status, body, headers }

export const noContent: Answer = { status: 204 }

const titles: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Request Entity Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}
const titleOf = (status: number) => titles[status] ?? "Error"

const faultKeys: Readonly<Record<number, string>> = {
  400: "badRequest",
  403: "forbidden",
  404: "itemNotFound",
  406: "notAcceptable",
  409: "conflictingRequest",
  413: "overLimit",
  500: "computeFault"
}

const neutronTypes: Readonly<Record<number, string>> = {
  400: "HTTPBadRequest",
  403: "HTTPForbidden",
  404: "HTTPNotFound",
  409: "Conflict",
  500: "HTTPInternalServerError"
}

/** What a service says when it gives no reason of its own. */
export const defaultMessage = (service: ServiceName, status: number): string => {
  if (status === 401) return "The request you have made requires authentication."
  if (status === 403) {
    return service === "keystone"
      ? "You are not authorized to perform the requested action."
      : "Policy doesn't allow this operation to be performed."
  }
  if (status >= 502) return "No server is available to handle this request."
  if (status === 500) return "Unexpected API Error. Please report this at http://bugs.launchpad.net/."
  return `The request failed (${status} ${titleOf(status)}).`
}

const page = (status: number, message: string) =>
  `<html>\n <head>\n  <title>${status} ${titleOf(status)}</title>\n </head>\n <body>\n  <h1>${status} ${titleOf(status)}</h1>\n  ${message}<br /><br />\n\n\n\n </body>\n</html>`

/**
 * An error answer in the service's own shape: Keystone `{"error"}`, Neutron `{"NeutronError"}`, Nova and
 * Cinder `{"<kind>": {"code", "message"}}`, Glance an HTML page; a 502–504 is a proxy's HTML page.
 */
export const errorAnswer = (
  service: ServiceName,
  status: number,
  message?: string,
  kind?: string
): Answer => {
  const text = message ?? defaultMessage(service, status)
  if (status >= 502 || (service === "glance" && status !== 401)) {
    return { status, body: page(status, text), headers: { "content-type": "text/html; charset=UTF-8" } }
  }
  if (service === "keystone" || status === 401) {
    return { status, body: { error: { code: status, message: text, title: kind ?? titleOf(status) } } }
  }
  if (service === "neutron") {
    return {
      status,
      body: { NeutronError: { type: kind ?? neutronTypes[status] ?? "Error", message: text, detail: "" } }
    }
  }
  const key = kind ?? faultKeys[status] ?? "computeFault"
  return {
    status,
    body: {
      [key]:
        status === 413 ? { code: status, message: text, retryAfter: "0" } : { code: status, message: text }
    }
  }
}

export const refuse = (service: ServiceName, status: number, message?: string, kind?: string) =>
  Effect.fail(new Refusal({ answer: errorAnswer(service, status, message, kind) }))

/** Over quota, as each service says it (see `test/unit/errorBodies.fast.test.ts`). */
export const overQuotaAnswer = (service: ServiceName, resource: string): Answer => {
  switch (service) {
    case "nova":
      return resource === "key_pairs"
        ? errorAnswer("nova", 403, "Quota exceeded, too many key pairs.")
        : errorAnswer(
            "nova",
            403,
            `Quota exceeded for ${resource}: Requested 1, but already used all of them`
          )
    case "cinder":
      return resource === "gigabytes"
        ? errorAnswer(
            "cinder",
            413,
            "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota."
          )
        : errorAnswer(
            "cinder",
            413,
            `VolumeLimitExceeded: Maximum number of volumes allowed exceeded for quota '${resource}'.`
          )
    case "neutron":
      return errorAnswer("neutron", 409, `Quota exceeded for resources: ['${resource}'].`, "OverQuota")
    default:
      return errorAnswer(service, 403, `Quota exceeded for ${resource}.`)
  }
}

/** The quota resource a create call counts against, for an injected over-quota answer. */
export const quotaResourceOf = (call: CloudCall): string => {
  if (call.service === "nova") return call.path.startsWith("/os-keypairs") ? "key_pairs" : "instances"
  if (call.service === "cinder") return call.path.startsWith("/snapshots") ? "snapshots" : "volumes"
  if (call.service === "neutron") {
    const collection = call.path.split("/")[1]
    return collection === "floatingips"
      ? "floatingip"
      : collection === "networks" || collection === "subnets" || collection === "routers"
        ? collection.slice(0, -1)
        : "port"
  }
  return "resources"
}

/**
 * One page of `items` (in the service's order) after `?marker=`, at most `?limit=` (and never more than
 * the service's page size), with the URL of the next page when this one is full, as Nova, Neutron and
 * Cinder link it; an unknown marker is refused.
 */
export const paginate = <T extends { readonly id: string }>(
  call: CloudCall,
  items: ReadonlyArray<T>,
  pageSize: number
): Effect.Effect<{ readonly items: ReadonlyArray<T>; readonly next: string | undefined }, Refusal> => {
  const asked = call.query.limit === undefined ? pageSize : Number(call.query.limit)
  const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, pageSize) : pageSize
  const marker = call.query.marker
  const start = marker === undefined ? 0 : items.findIndex((item) => item.id === marker) + 1
  if (marker !== undefined && start === 0) {
    return refuse(call.service, call.service === "neutron" ? 404 : 400, `marker [${marker}] not found`)
  }
  const found = items.slice(start, start + limit)
  const last = found.at(-1)
  if (found.length < limit || last === undefined) return Effect.succeed({ items: found, next: undefined })
  const url = new URL(call.url)
  url.searchParams.set("limit", String(limit))
  url.searchParams.set("marker", last.id)
  return Effect.succeed({ items: found, next: url.toString() })
}

/** Nova's, Neutron's and Cinder's `<collection>_links`. */
export const links = (next: string | undefined) => (next === undefined ? [] : [{ rel: "next", href: next }])

/** Timestamps as the services write them. */
export const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`
export const isoMicros = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}000`
export const keystoneTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}000Z`

/** A JSON object's property, or undefined. */
export const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined

export const stringField = (value: unknown, key: string): string | undefined => {
  const found = field(value, key)
  return typeof found === "string" ? found : undefined
}

export const stringRecord = (value: unknown): Record<string, string> =>
  typeof value === "object" && value !== null
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"))
    : {}

export const stringArray = (value: unknown): ReadonlyArray<string> =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []

/** `tags=a,b`: every one of them. */
export const hasAllTags = (tags: ReadonlyArray<string>, query: string | undefined): boolean =>
  query === undefined || query.split(",").every((tag) => tags.includes(tag))
