import { type ApiError, type ErrorDocument, isApiError } from "@enamel/domain/contract"
import { Cause, Option, Predicate } from "effect"

/** Bodies larger than this are refused with 413: before they are read when their length is declared. */
export const maxBodyBytes = 256 * 1024

export interface Rendered {
  readonly status: number
  readonly document: ErrorDocument
  /** Seconds, for 503s: when to try again. */
  readonly retryAfter?: number
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable"
}

export const render = (status: number, code: string, detail: string, requestId: string): Rendered => ({
  status,
  document: { errors: [{ status, code, title: titles[status] ?? "Error", detail, request_id: requestId }] },
  ...(status === 503 ? { retryAfter: 5 } : {})
})

export const bodyTooLarge = (requestId: string) =>
  render(413, "request.too_large", `the body is larger than ${maxBodyBytes} bytes`, requestId)

const tagOf = (u: unknown): string | undefined =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" ? u._tag : undefined

interface Issue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}
const isIssue = (u: unknown): u is Issue =>
  Predicate.hasProperty(u, "path") && Array.isArray(u.path) && Predicate.hasProperty(u, "message")

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`,
    ""
  )

/** Long enough for any schema's message; short enough that a 300 kB value is not echoed back whole. */
const maxIssueLength = 300

const clip = (text: string) => (text.length > maxIssueLength ? `${text.slice(0, maxIssueLength)}…` : text)

/**
 * The decode error's issues as `networks[0].port: must be a UUID; …`, naming each field. Only the body
 * is decoded as a whole (path, query and headers are records of named values), so an issue with an
 * empty path is about the body.
 */
const describeIssues = (error: unknown): string => {
  const issues = Predicate.hasProperty(error, "issues") && Array.isArray(error.issues) ? error.issues : []
  const lines = issues
    .filter(isIssue)
    .map((i) => `${i.path.length === 0 ? "body" : pathText(i.path)}: ${clip(i.message)}`)
  return lines.length > 0 ? lines.join("; ") : "the request does not match the API"
}

/** The platform's words when a body is longer than HttpIncomingMessage.MaxBodySize allows. */
const tooLarge = (error: unknown) =>
  Predicate.hasProperty(error, "cause") &&
  Predicate.hasProperty(error.cause, "message") &&
  error.cause.message === "maxBytes exceeded"

/** An unknown route's detail: method and path (clipped), so the caller sees what was not found. */
const routeNotFound = (error: unknown) =>
  Predicate.hasProperty(error, "request") &&
  Predicate.hasProperty(error.request, "method") &&
  Predicate.hasProperty(error.request, "url")
    ? `no such resource: ${String(error.request.method)} ${clip(String(error.request.url))}`
    : "no such resource"

/**
 * Maps whatever ended a request to the status and OpenStack error document a client sees. A client's
 * mistake is always a 4xx; an unreachable database, broker or Keystone a 503; only a bug a 500.
 */
export const fromCause = (cause: Cause.Cause<unknown>, requestId: string): Rendered => {
  // The platform dies (rather than fails) when it cannot read a body: look at defects too.
  const failure = Option.orElse(Cause.failureOption(cause), () => Cause.dieOption(cause))
  if (Option.isNone(failure)) return render(500, "internal_error", "an internal error occurred", requestId)
  const error = failure.value
  if (isApiError(error)) {
    const api: ApiError = error
    return render(api.status, api.code, api.detail, requestId)
  }
  switch (tagOf(error)) {
    case "HttpApiDecodeError":
      return render(400, "request.invalid", describeIssues(error), requestId)
    case "RouteNotFound":
      return render(404, "resource.not_found", routeNotFound(error), requestId)
    case "RequestError":
      return tooLarge(error)
        ? bodyTooLarge(requestId)
        : render(400, "request.malformed", "the request body is not valid JSON", requestId)
    case "SqlError":
    case "TaskStoreError":
    case "CheckpointError":
    case "BrokerError":
      return render(
        503,
        "service.unavailable",
        "a backing service is unavailable; try again shortly",
        requestId
      )
    default:
      return render(500, "internal_error", "an internal error occurred", requestId)
  }
}
