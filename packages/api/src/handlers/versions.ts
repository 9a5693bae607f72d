import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { EnamelApi, Microversions } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { Effect } from "effect"

/**
 * The root the caller reached Enamel at, for absolute links (as the API-SIG's version discovery asks):
 * the Host it asked for, over https when a proxy in front says so. Without a Host (HTTP/1.0), links
 * stay relative.
 */
const rootOf = (request: HttpServerRequest.HttpServerRequest): string => {
  const host = request.headers.host
  if (host === undefined || host === "" || /[\s/\\@]/.test(host)) return ""
  const forwarded = request.headers["x-forwarded-proto"]?.split(",")[0]?.trim().toLowerCase()
  return `${forwarded === "https" ? "https" : "http"}://${host}`
}

/**
 * `GET /` (no token needed): the versions document, as OpenStack services publish theirs (id, status,
 * min and max microversion, links), with the task types offered.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "versions", (handlers) =>
  handlers.handle("versions", () =>
    Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
      const root = rootOf(request)
      return {
        versions: [
          {
            id: "v1.0",
            status: "CURRENT",
            min_version: Microversions.minVersion,
            max_version: Microversions.maxVersion,
            updated: "2026-11-24T00:00:00Z",
            links: [
              { rel: "self", href: `${root}/` },
              { rel: "describedby", href: `${root}/openapi.json` }
            ],
            task_types: registry.commands.map((command) => ({
              type: command.type,
              method: command.method,
              path: command.path,
              description: command.description
            }))
          }
        ]
      }
    })
  )
)
