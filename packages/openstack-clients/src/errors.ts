/**
 * Everything an OpenStack call can fail with, one class per kind of failure. They carry no code of
 * their own: the code a user sees (`openstack.not_found`, ...) lives in Enamel's error catalogue, and
 * the stage that made the call gives it (`@enamel/domain`'s `flows/cloud/describeFailure.ts`). What a
 * failure means for a retry is decided in `failures.ts`.
 */
import { Schema } from "effect"

/**
 * What every OpenStack error carries: the service that answered (`nova`, `neutron`, ...), the service's
 * own words, and, when the error came from an HTTP response, its status and `X-OpenStack-Request-ID`.
 */
const CallFields = {
  service: Schema.String,
  message: Schema.String,
  status: Schema.optionalWith(Schema.Number, { exact: true }),
  requestId: Schema.optionalWith(Schema.String, { exact: true }),
  /** The service's own name for the fault, where it gives one (Neutron's `type`, e.g. `IpAddressGenerationFailure`). */
  kind: Schema.optionalWith(Schema.String, { exact: true })
}

/** The resource does not exist (HTTP 404, or a lookup by name that found nothing). */
export class OpenStackNotFound extends Schema.TaggedError<OpenStackNotFound>()(
  "OpenStackNotFound",
  CallFields
) {}

/** The request conflicts with the resource's state (HTTP 409), or a name matched several resources. */
export class OpenStackConflict extends Schema.TaggedError<OpenStackConflict>()(
  "OpenStackConflict",
  CallFields
) {}

/** A quota would be exceeded: Nova 403 "Quota exceeded", Cinder 413, Neutron 409 OverQuota. */
export class OpenStackOverQuota extends Schema.TaggedError<OpenStackOverQuota>()(
  "OpenStackOverQuota",
  CallFields
) {}

/** The credentials or token were refused (HTTP 401), even after one re-authentication. */
export class OpenStackUnauthorized extends Schema.TaggedError<OpenStackUnauthorized>()(
  "OpenStackUnauthorized",
  CallFields
) {}

/** Authenticated, but not allowed (HTTP 403 other than a quota). */
export class OpenStackForbidden extends Schema.TaggedError<OpenStackForbidden>()(
  "OpenStackForbidden",
  CallFields
) {}

/** The service refused the request as invalid (HTTP 400); `message` is the service's explanation. */
export class OpenStackBadRequest extends Schema.TaggedError<OpenStackBadRequest>()(
  "OpenStackBadRequest",
  CallFields
) {}

/**
 * The service could not be reached or failed (HTTP 5xx, 429, connection refused or reset). Reads are
 * retried before this is reported; `status` is absent when no response arrived.
 */
export class OpenStackServiceUnavailable extends Schema.TaggedError<OpenStackServiceUnavailable>()(
  "OpenStackServiceUnavailable",
  CallFields
) {}

/** A call or a wait (server ACTIVE, volume available, deleted) did not finish in time. */
export class OpenStackTimeout extends Schema.TaggedError<OpenStackTimeout>()(
  "OpenStackTimeout",
  CallFields
) {}

/**
 * A resource went into an error state while we waited for it; `message` is the cloud's own reason
 * (the server's fault message, Cinder's user message for the volume).
 */
export class OpenStackResourceFailed extends Schema.TaggedError<OpenStackResourceFailed>()(
  "OpenStackResourceFailed",
  {
    ...CallFields,
    resource: Schema.String,
    resourceId: Schema.String,
    resourceStatus: Schema.String
  }
) {}

/** The service catalog has no endpoint for the service type, interface and region asked for. */
export class OpenStackEndpointNotFound extends Schema.TaggedError<OpenStackEndpointNotFound>()(
  "OpenStackEndpointNotFound",
  { ...CallFields, serviceType: Schema.String, interface: Schema.String }
) {}

/**
 * The service answered with something we cannot use: a body that does not match its documented shape,
 * an unexpected status, or no microversion in the range we support.
 */
export class OpenStackUnexpectedResponse extends Schema.TaggedError<OpenStackUnexpectedResponse>()(
  "OpenStackUnexpectedResponse",
  CallFields
) {}

export type OpenStackError =
  | OpenStackNotFound
  | OpenStackConflict
  | OpenStackOverQuota
  | OpenStackUnauthorized
  | OpenStackForbidden
  | OpenStackBadRequest
  | OpenStackServiceUnavailable
  | OpenStackTimeout
  | OpenStackResourceFailed
  | OpenStackEndpointNotFound
  | OpenStackUnexpectedResponse
