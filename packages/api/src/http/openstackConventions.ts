import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { ErrorCode, Logging } from "@enamel/domain"
import {
  Answers,
  type ApiError,
  EnamelApi,
  Microversions,
  NotAcceptable,
  UnsupportedMediaType
} from "@enamel/domain/contract"
import { Effect, Option } from "effect"
import { bodyTooLarge, errorOf, maxBodyBytes, type Rendered, render } from "./errorDocument.js"
import { refuseDeepBody } from "./jsonDepth.js"
import { currentRequestId, requestIdFrom } from "./requestId.js"

const versionHeader = `${Microversions.serviceType} ${Microversions.maxVersion}`

/** `OpenStack-API-Version: enamel 1.0` (or `latest`); anything else Enamel does not serve is a 406. */
const acceptsVersion = (header: string | undefined): boolean => {
  if (header === undefined) return true
  const asked = header
    .split(",")
    .map((part) => part.trim().split(/\s+/))
    .find(([service]) => service?.toLowerCase() === Microversions.serviceType)
  if (asked === undefined) return true
  const version = asked[1]
  return version === "latest" || Microversions.microversions.some((m) => m.version === version)
}

const withHeaders = (response: HttpServerResponse.HttpServerResponse, requestId: string) =>
  HttpServerResponse.setHeaders(response, {
    "x-openstack-request-id": requestId,
    "openstack-api-version": versionHeader,
    vary: "OpenStack-API-Version"
  })

const errorResponse = (rendered: Rendered) =>
  HttpServerResponse.unsafeJson(rendered.document, {
    status: rendered.status,
    headers: rendered.retryAfter === undefined ? {} : { "retry-after": String(rendered.retryAfter) }
  })

const versionNotServed = new NotAcceptable({
  code: ErrorCode.apiVersionNotAcceptable,
  detail: `OpenStack-API-Version: this server serves ${Microversions.serviceType} ${Microversions.minVersion} to ${Microversions.maxVersion}`
})

const notJson = new UnsupportedMediaType({
  code: ErrorCode.requestUnsupportedMediaType,
  detail: "Content-Type: send the body as application/json"
})

/** Refuses what cannot be a valid request before routing: wrong version, media type or size. */
const precheck = (request: HttpServerRequest.HttpServerRequest): ApiError | undefined => {
  if (!acceptsVersion(request.headers["openstack-api-version"])) return versionNotServed
  const length = Number(request.headers["content-length"] ?? "0")
  if (Number.isFinite(length) && length > maxBodyBytes) return bodyTooLarge
  // Any other declared type is refused even with an empty body: the platform would pick another parser
  // for it (the fuzzer found an unknown type with an empty body left the request unanswered).
  const hasBody = length > 0 || request.headers["transfer-encoding"] !== undefined
  const declared = request.headers["content-type"]
  const type = declared?.split(";")[0]?.trim().toLowerCase()
  if (
    Answers.mayCarryBody(request.method) &&
    (hasBody || declared !== undefined) &&
    type !== "application/json"
  ) {
    return notJson
  }
  return undefined
}

/**
 * Bounds bodies sent without Content-Length (chunked): reading past the limit fails (413). A declared
 * length was checked by `precheck`, and Node reads no more than it declares.
 */
const boundedBody =
  (request: HttpServerRequest.HttpServerRequest) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    request.headers["content-length"] === undefined
      ? HttpServerRequest.withMaxBodySize(effect, Option.some(maxBodyBytes))
      : effect

/**
 * OpenStack's conventions for every response: a request id (the caller's, if given), the version
 * header, and errors as `{"errors":[…]}` with the request id — never a bare 500 for a client mistake.
 */
export const layer = HttpApiBuilder.middleware(EnamelApi, (app) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const requestId = requestIdFrom(request.headers["x-openstack-request-id"])
    const refused = precheck(request)
    const response =
      refused !== undefined
        ? errorResponse(render(refused, requestId))
        : yield* Effect.zipRight(refuseDeepBody(request), app).pipe(
            boundedBody(request),
            Effect.locally(currentRequestId, requestId),
            Effect.annotateLogs(Logging.Keys.requestId, requestId),
            Effect.catchAllCause((cause) => {
              const rendered = render(errorOf(cause), requestId)
              const logged =
                rendered.status >= 500
                  ? Effect.annotateLogs(
                      Effect.logError("request failed", cause),
                      Logging.Keys.requestId,
                      requestId
                    )
                  : Effect.void
              return Effect.as(logged, errorResponse(rendered))
            })
          )
    return withHeaders(response, requestId)
  })
)
