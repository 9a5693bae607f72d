import { ErrorCode } from "@enamel/domain"
import {
  type ApiError,
  BadRequest,
  documentOf,
  type ErrorDocument,
  InternalServerError,
  isApiError,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable
} from "@enamel/domain/contract"
import { Cause, Option, Predicate } from "effect"

/** Bodies larger than this are refused with 413: before they are read when their length is declared. */
export const maxBodyBytes = 256 * 1024

export interface Rendered {
  readonly status: number
  readonly document: ErrorDocument
  /** Seconds, for 503s and 429s: when to try again. */
  readonly retryAfter?: number
}

/** The answer to an error: the contract's document for it (the one `/openapi.json` describes). */
export const render = (error: ApiError, requestId: string): Rendered => ({
  status: error.status,
  document: documentOf(error, requestId),
  ...(error.status === 503 || error.status === 429 ? { retryAfter: 5 } : {})
})

export const bodyTooLarge = new PayloadTooLarge({
  code: ErrorCode.requestTooLarge,
  detail: `the body is larger than ${maxBodyBytes} bytes`
})

const internal = new InternalServerError({ code: ErrorCode.internal, detail: "an internal error occurred" })

const tagOf = (u: unknown): string | undefined =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" ? u._tag : undefined

interface Issue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}
const isIssue = (u: unknown): u is Issue =>
  Predicate.hasProperty(u, "path") &&
  Array.isArray(u.path) &&
  Predicate.hasProperty(u, "message") &&
  typeof u.message === "string"

/** A path as a client writes it: `networks[0].fixed_ip`; keys that are not identifiers are quoted. */
const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`
    const name = String(key)
    const written = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : JSON.stringify(clip(name, 40))
    return text === "" ? written : `${text}.${written}`
  }, "")

/** Long enough for any problem's words; short enough that a 300 kB value is not echoed back whole. */
const maxIssueLength = 300

/** How many problems a detail lists; a body broken everywhere gets the first ones and a count. */
const maxIssues = 10

const clip = (text: string, length = maxIssueLength) =>
  text.length > length ? `${text.slice(0, length)}…` : text

/**
 * The decode failure's problems as `networks[0].port: must be a UUID, not "x"; …`, one per field. The
 * words were chosen by the contract on the schema (`Input`, `issues.ts`) while the failure was still a
 * tree; here they are joined. Only a body is decoded as a whole (path, query and headers are records of
 * named values), so a problem with an empty path is about the body.
 */
const describeIssues = (error: unknown): string => {
  const issues = Predicate.hasProperty(error, "issues") && Array.isArray(error.issues) ? error.issues : []
  const lines = issues
    .filter(isIssue)
    .map((i) => `${i.path.length === 0 ? "body" : pathText(i.path)}: ${clip(i.message)}`)
  const listed = lines.slice(0, maxIssues)
  if (lines.length > maxIssues) listed.push(`and ${lines.length - maxIssues} more`)
  return listed.length > 0 ? listed.join("; ") : "the request does not match the API"
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
 * What ended a request, as the error a client sees. A client's mistake is always a 4xx; an unreachable
 * database, broker or Keystone a 503; only a bug a 500.
 */
export const errorOf = (cause: Cause.Cause<unknown>): ApiError => {
  // The platform dies (rather than fails) when it cannot read a body: look at defects too.
  const failure = Option.orElse(Cause.failureOption(cause), () => Cause.dieOption(cause))
  if (Option.isNone(failure)) return internal
  const error = failure.value
  if (isApiError(error)) return error
  switch (tagOf(error)) {
    case "HttpApiDecodeError":
      return new BadRequest({ code: ErrorCode.requestInvalid, detail: describeIssues(error) })
    case "RouteNotFound":
      return new NotFound({ code: ErrorCode.resourceNotFound, detail: routeNotFound(error) })
    case "RequestError":
      return tooLarge(error)
        ? bodyTooLarge
        : new BadRequest({ code: ErrorCode.requestMalformed, detail: "body: not valid JSON" })
    case "SqlError":
    case "TaskStoreError":
    case "CheckpointError":
    case "BrokerError":
      return new ServiceUnavailable({
        code: ErrorCode.serviceUnavailable,
        detail: "a backing service is unavailable; try again shortly"
      })
    default:
      return internal
  }
}
