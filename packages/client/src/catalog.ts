/**
 * Where Enamel is: an explicit URL, else ENAMEL_URL, else the Keystone service catalog's endpoint of
 * service type `porcelain` for the session's interface and region (as OpenStack's own clients find Nova).
 */
import type { SessionShape } from "@enamel/openstack-clients"
import { Config, ConfigError, Effect, Either, Option } from "effect"
import { EnamelAuthenticationFailed, EnamelEndpointNotFound } from "./errors.js"

/** Enamel's service type in the Keystone catalog (its service name there is `enamel`). */
export const serviceType = "porcelain"

/** The base URL as the client uses it: parsed, without a trailing slash. */
const normalised = (url: string): Either.Either<string, string> => {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return Either.left("not http(s)")
    return Either.right(parsed.toString().replace(/\/+$/, ""))
  } catch {
    return Either.left("not a URL")
  }
}

/** ENAMEL_URL: Enamel's base URL, e.g. `http://127.0.0.1:8780`; it wins over the catalog. */
export const EnamelUrl = Config.option(
  Config.string("ENAMEL_URL").pipe(
    Config.mapOrFail((url) =>
      Either.mapLeft(normalised(url), (why) => ConfigError.InvalidData([], `ENAMEL_URL: ${why}: ${url}`))
    )
  )
)

const howToFix = (session: SessionShape) => {
  const region = session.region === undefined ? "" : ` --region ${session.region}`
  return (
    `set ENAMEL_URL to Enamel's address (e.g. http://127.0.0.1:8780), or have an operator register Enamel ` +
    `in the catalog: openstack service create --name enamel ${serviceType}; ` +
    `openstack endpoint create${region} enamel ${session.interface} <Enamel's URL>`
  )
}

/** The base URL: `explicit`, else ENAMEL_URL, else the catalog's (which needs the session's token). */
export const baseUrl = (session: SessionShape, explicit?: string) =>
  Effect.gen(function* () {
    if (explicit !== undefined) {
      const given = normalised(explicit)
      if (Either.isLeft(given)) {
        return yield* new EnamelEndpointNotFound({ detail: `Enamel's URL ${explicit}: ${given.left}` })
      }
      return given.right
    }
    const configured = yield* EnamelUrl
    if (Option.isSome(configured)) return configured.value
    const listed = yield* session.endpoint(serviceType).pipe(
      Effect.catchTag("OpenStackEndpointNotFound", (missing) =>
        Effect.fail(new EnamelEndpointNotFound({ detail: `${missing.message}: ${howToFix(session)}` }))
      ),
      Effect.catchIf(
        (error) => error._tag !== "EnamelEndpointNotFound",
        (error) =>
          Effect.fail(new EnamelAuthenticationFailed({ authUrl: session.authUrl, detail: error.message }))
      )
    )
    const url = normalised(listed)
    if (Either.isLeft(url)) {
      return yield* new EnamelEndpointNotFound({
        detail: `the catalog's ${serviceType} endpoint ${listed} is ${url.left}: ${howToFix(session)}`
      })
    }
    return url.right
  })
