import {
  OpenStackBadRequest,
  OpenStackConflict,
  type OpenStackError,
  OpenStackForbidden,
  OpenStackNotFound,
  OpenStackOverQuota,
  OpenStackServiceUnavailable,
  OpenStackUnauthorized,
  OpenStackUnexpectedResponse
} from "../errors.js"
import { parseErrorBody } from "./errorBody.js"
import type { HttpReply } from "./HttpTransport.js"

/** The request id a service sent back: `X-OpenStack-Request-ID`, or Nova's `X-Compute-Request-Id`. */
export const requestIdOf = (headers: Readonly<Record<string, string>>): string | undefined =>
  headers["x-openstack-request-id"] ?? headers["x-compute-request-id"]

const quotaWords = /quota exceeded|over ?quota|exceeded for quota|quota.*exceed/i

/**
 * Turns an error response into the typed error a user sees, keeping the service's own message:
 * 400 BadRequest, 401 Unauthorized, 403 Forbidden (Nova's "Quota exceeded" is OverQuota), 404 NotFound,
 * 409 Conflict (Neutron's OverQuota is OverQuota), 413 OverQuota (Cinder), 429/5xx ServiceUnavailable.
 */
export const errorFromReply = (service: string, reply: HttpReply): OpenStackError => {
  const { message, kind } = parseErrorBody(reply.status, reply.body)
  const requestId = requestIdOf(reply.headers)
  const fields = {
    service,
    message,
    status: reply.status,
    ...(requestId === undefined ? {} : { requestId }),
    ...(kind === undefined ? {} : { kind })
  }
  const status = reply.status
  if (status === 400) return new OpenStackBadRequest(fields)
  if (status === 401) return new OpenStackUnauthorized(fields)
  if (status === 403)
    return quotaWords.test(message) ? new OpenStackOverQuota(fields) : new OpenStackForbidden(fields)
  if (status === 404) return new OpenStackNotFound(fields)
  if (status === 409) {
    return kind === "OverQuota" || quotaWords.test(message)
      ? new OpenStackOverQuota(fields)
      : new OpenStackConflict(fields)
  }
  if (status === 413) return new OpenStackOverQuota(fields)
  if (status === 429 || status >= 500) return new OpenStackServiceUnavailable(fields)
  return new OpenStackUnexpectedResponse(fields)
}
