/**
 * What a call through the client can fail with, one class per kind, each a `Schema.TaggedError` to match
 * on (`Effect.catchTag("EnamelApiError", …)`). None carries a token, a password or the HTTP request (whose
 * headers hold the token): only the words, statuses and ids that help a person.
 */
import { ErrorCode } from "@enamel/domain"
import { Schema } from "effect"

const codes: ReadonlySet<string> = new Set(Object.values(ErrorCode))

/** A code of Enamel's error catalogue (`docs/error-codes.md`). */
export const isErrorCode = (s: string): s is ErrorCode => codes.has(s)

export const ErrorCodeSchema = Schema.String.pipe(Schema.filter(isErrorCode))

/**
 * Enamel answered with an error: its status, and the code, detail and request id of the OpenStack error
 * document it sent. `code` is one of the catalogue's; the request id is what an operator looks up.
 */
export class EnamelApiError extends Schema.TaggedError<EnamelApiError>()("EnamelApiError", {
  status: Schema.Int,
  code: ErrorCodeSchema,
  detail: Schema.String,
  requestId: Schema.String
}) {
  override get message(): string {
    return `${this.code}: ${this.detail} (HTTP ${this.status}, request ${this.requestId})`
  }
}

/**
 * No answer from Enamel: connection refused or reset, DNS failure, no answer in time, a stream cut, or a
 * proxy's 502/503/504 instead of Enamel's own document. Worth trying again later.
 */
export class EnamelUnreachable extends Schema.TaggedError<EnamelUnreachable>()("EnamelUnreachable", {
  url: Schema.String,
  detail: Schema.String,
  status: Schema.optionalWith(Schema.Int, { exact: true })
}) {
  override get message(): string {
    return `Enamel at ${this.url} cannot be reached: ${this.detail}`
  }
}

/** Neither ENAMEL_URL nor the service catalog says where Enamel is; `detail` says how to fix it. */
export class EnamelEndpointNotFound extends Schema.TaggedError<EnamelEndpointNotFound>()(
  "EnamelEndpointNotFound",
  { detail: Schema.String }
) {
  override get message(): string {
    return this.detail
  }
}

/** Keystone did not give the session a token (wrong credentials, Keystone down): no call could be made. */
export class EnamelAuthenticationFailed extends Schema.TaggedError<EnamelAuthenticationFailed>()(
  "EnamelAuthenticationFailed",
  { authUrl: Schema.String, detail: Schema.String }
) {
  override get message(): string {
    return `authentication with Keystone at ${this.authUrl} failed: ${this.detail}`
  }
}

/** The request does not satisfy the contract, so it was not sent (the fields at fault are named). */
export class EnamelInvalidRequest extends Schema.TaggedError<EnamelInvalidRequest>()("EnamelInvalidRequest", {
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid request: ${this.detail}`
  }
}

/**
 * An answer the contract does not describe (a body that does not decode, an unknown error code, a
 * status the operation does not have): a different version of Enamel, or not Enamel at that URL.
 */
export class EnamelUnexpectedAnswer extends Schema.TaggedError<EnamelUnexpectedAnswer>()(
  "EnamelUnexpectedAnswer",
  {
    detail: Schema.String,
    status: Schema.optionalWith(Schema.Int, { exact: true }),
    requestId: Schema.optionalWith(Schema.String, { exact: true })
  }
) {
  override get message(): string {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    return `unexpected answer from Enamel${status}: ${this.detail}`
  }
}

export type EnamelClientError =
  | EnamelApiError
  | EnamelUnreachable
  | EnamelEndpointNotFound
  | EnamelAuthenticationFailed
  | EnamelInvalidRequest
  | EnamelUnexpectedAnswer

export const EnamelClientError = Schema.Union(
  EnamelApiError,
  EnamelUnreachable,
  EnamelEndpointNotFound,
  EnamelAuthenticationFailed,
  EnamelInvalidRequest,
  EnamelUnexpectedAnswer
)

export const isEnamelClientError = (u: unknown): u is EnamelClientError =>
  u instanceof EnamelApiError ||
  u instanceof EnamelUnreachable ||
  u instanceof EnamelEndpointNotFound ||
  u instanceof EnamelAuthenticationFailed ||
  u instanceof EnamelInvalidRequest ||
  u instanceof EnamelUnexpectedAnswer

/** Statuses with which a proxy or a restarting Enamel says "not now": the call may work later. */
const notNow: ReadonlySet<number> = new Set([502, 503, 504])

/**
 * Whether trying again later may help: Enamel unreachable, or answering 502/503/504 (a restart, its
 * store or Keystone briefly down). A refusal (400, 404, 409, …) or a broken contract will not change.
 */
export const isTransient = (error: EnamelClientError): boolean => {
  switch (error._tag) {
    case "EnamelUnreachable":
      return true
    case "EnamelApiError":
    case "EnamelUnexpectedAnswer":
      return error.status !== undefined && notNow.has(error.status)
    default:
      return false
  }
}
