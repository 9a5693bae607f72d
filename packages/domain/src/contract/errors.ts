import { HttpApiSchema } from "@effect/platform"
import { FiberRef, Schema } from "effect"

/**
 * Errors the API answers with, as code handles them: a class per HTTP status, carrying a stable `code`
 * (`ErrorCode.*`) and a `detail` that names the field or gives the cloud's own words. On the wire every
 * one is OpenStack's error document (`documentOf`); what the contract declares for each endpoint is that
 * document with the codes the endpoint can answer (`answers.ts`), decoding to these classes.
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

/** The OpenStack-API-Version asked for is not served. */
export class NotAcceptable extends Schema.TaggedError<NotAcceptable>()(
  "NotAcceptable",
  fields,
  HttpApiSchema.annotations({ status: 406 })
) {
  readonly status = 406
  readonly title = "Not Acceptable"
}

export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  fields,
  HttpApiSchema.annotations({ status: 409 })
) {
  readonly status = 409
  readonly title = "Conflict"
}

export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  fields,
  HttpApiSchema.annotations({ status: 413 })
) {
  readonly status = 413
  readonly title = "Request Entity Too Large"
}

export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  fields,
  HttpApiSchema.annotations({ status: 415 })
) {
  readonly status = 415
  readonly title = "Unsupported Media Type"
}

/** Too many attempts from one caller just now (the sign-in's throttle); `Retry-After` says when to try. */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()(
  "TooManyRequests",
  fields,
  HttpApiSchema.annotations({ status: 429 })
) {
  readonly status = 429
  readonly title = "Too Many Requests"
}

/** A fault in Enamel itself. */
export class InternalServerError extends Schema.TaggedError<InternalServerError>()(
  "InternalServerError",
  fields,
  HttpApiSchema.annotations({ status: 500 })
) {
  readonly status = 500
  readonly title = "Internal Server Error"
}

export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  fields,
  HttpApiSchema.annotations({ status: 503 })
) {
  readonly status = 503
  readonly title = "Service Unavailable"
}

export type ApiError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | NotAcceptable
  | Conflict
  | PayloadTooLarge
  | UnsupportedMediaType
  | TooManyRequests
  | InternalServerError
  | ServiceUnavailable

export const isApiError = (u: unknown): u is ApiError =>
  u instanceof BadRequest ||
  u instanceof Unauthorized ||
  u instanceof Forbidden ||
  u instanceof NotFound ||
  u instanceof NotAcceptable ||
  u instanceof Conflict ||
  u instanceof PayloadTooLarge ||
  u instanceof UnsupportedMediaType ||
  u instanceof TooManyRequests ||
  u instanceof InternalServerError ||
  u instanceof ServiceUnavailable

/**
 * The error document, as OpenStack's API guidelines define it: any status, any code. Each endpoint's
 * answers are declared more precisely (`answers.ts`); this is what every error answer has in common.
 */
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
}).annotations({
  identifier: "ErrorDocument",
  description:
    "OpenStack's error document. Every error answer has this shape, with one error; each operation lists, " +
    "for each status, the codes it can answer with."
})
export type ErrorDocument = typeof ErrorDocument.Type

/** The request id of the request being answered (`X-OpenStack-Request-ID`); the API sets it per request. */
export const currentRequestId = FiberRef.unsafeMake("req-none")

/** The document an error is answered with: the one place that turns an error into the wire's words. */
export const documentOf = (error: ApiError, requestId: string): ErrorDocument => ({
  errors: [
    {
      status: error.status,
      code: error.code,
      title: error.title,
      detail: error.detail,
      request_id: requestId
    }
  ]
})
