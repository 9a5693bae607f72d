import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/**
 * Errors the API answers with. On the wire every one is rendered in OpenStack's format,
 * `{"errors":[{"status","code","title","detail","request_id"}]}`, by the API's error middleware;
 * `code` is stable, `detail` names the field or the cloud's own words.
 */
const fields = { code: Schema.String, detail: Schema.String }

export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  fields,
  HttpApiSchema.annotations({ status: 400 })
) {
  readonly status = 400
  readonly title = "Bad Request"
}

export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  fields,
  HttpApiSchema.annotations({ status: 401 })
) {
  readonly status = 401
  readonly title = "Unauthorized"
}

export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  fields,
  HttpApiSchema.annotations({ status: 403 })
) {
  readonly status = 403
  readonly title = "Forbidden"
}

export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  fields,
  HttpApiSchema.annotations({ status: 404 })
) {
  readonly status = 404
  readonly title = "Not Found"
}

export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  fields,
  HttpApiSchema.annotations({ status: 409 })
) {
  readonly status = 409
  readonly title = "Conflict"
}

export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  fields,
  HttpApiSchema.annotations({ status: 503 })
) {
  readonly status = 503
  readonly title = "Service Unavailable"
}

export type ApiError = BadRequest | Unauthorized | Forbidden | NotFound | Conflict | ServiceUnavailable

export const isApiError = (u: unknown): u is ApiError =>
  u instanceof BadRequest ||
  u instanceof Unauthorized ||
  u instanceof Forbidden ||
  u instanceof NotFound ||
  u instanceof Conflict ||
  u instanceof ServiceUnavailable

/** The error document, as OpenStack's API guidelines define it. */
export const ErrorDocument = Schema.Struct({
  errors: Schema.Array(
    Schema.Struct({
      status: Schema.Int,
      code: Schema.String,
      title: Schema.String,
      detail: Schema.String,
      request_id: Schema.String
    })
  )
})
export type ErrorDocument = typeof ErrorDocument.Type
