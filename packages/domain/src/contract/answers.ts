/**
 * The error answers an endpoint declares: for each code, OpenStack's error document with that status,
 * code and title as literals (what `/openapi.json` shows and what the wire carries), decoding to the
 * error class of `errors.ts` (what handlers fail with and what `HttpApiClient` gives back). An endpoint
 * lists exactly the codes it can answer with; each code's status is the one the catalogue gives it.
 */
import { HttpApiSchema } from "@effect/platform"
import { Effect, FiberRef, ParseResult, Schema } from "effect"
import { ErrorCode, meanings } from "../ErrorCatalogue.js"
import {
  type ApiError,
  BadRequest,
  Conflict,
  currentRequestId,
  documentOf,
  Forbidden,
  InternalServerError,
  NotAcceptable,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
  UnsupportedMediaType
} from "./errors.js"

/** An error class of the contract, made from a code and a detail. */
type ErrorClass<E extends ApiError> = new (props: { readonly code: string; readonly detail: string }) => E

/** One error answer: its wire document with the code fixed, decoding to the error class. */
const answer = <E extends ApiError>(errorClass: ErrorClass<E>, code: ErrorCode) => {
  const { status, title } = new errorClass({ code, detail: "" })
  if (!meanings[code].seen.some((seen) => "answer" in seen && seen.answer === status)) {
    throw new Error(`the error catalogue does not say that ${code} is answered with ${status}`)
  }
  const wire = Schema.Struct({
    errors: Schema.Tuple(
      Schema.Struct({
        status: Schema.Literal(status),
        code: Schema.Literal(code),
        title: Schema.Literal(title),
        detail: Schema.String,
        request_id: Schema.String
      })
    )
  }).annotations({ description: meanings[code].meaning })
  const readWire = ParseResult.decodeUnknown(Schema.encodedSchema(wire))
  return Schema.transformOrFail(wire, Schema.instanceOf(errorClass), {
    strict: true,
    decode: ({ errors: [error] }) =>
      ParseResult.succeed(new errorClass({ code: error.code, detail: error.detail })),
    // The API's middleware renders answers itself, with the same `documentOf`; this is the same words
    // for anything else that encodes an error through the contract. Another code is another member's.
    encode: (error) =>
      Effect.flatMap(FiberRef.get(currentRequestId), (requestId) => readWire(documentOf(error, requestId)))
  }).annotations(HttpApiSchema.annotations({ status, identifier: code }))
}

type Answer<E extends ApiError> = ReturnType<typeof answer<E>>

/**
 * The answers of one error class, one schema per code, made once: an endpoint that inherits a code from
 * its group and declares it again still documents it once.
 */
const answersOf = <E extends ApiError>(errorClass: ErrorClass<E>) => {
  const made = new Map<ErrorCode, Answer<E>>()
  const one = (code: ErrorCode): Answer<E> => {
    const known = made.get(code)
    if (known !== undefined) return known
    const fresh = answer(errorClass, code)
    made.set(code, fresh)
    return fresh
  }
  return (code: ErrorCode, ...more: ReadonlyArray<ErrorCode>) => Schema.Union(one(code), ...more.map(one))
}

export const badRequest = answersOf(BadRequest)
export const unauthorized = answersOf(Unauthorized)
export const forbidden = answersOf(Forbidden)
export const notFound = answersOf(NotFound)
export const notAcceptable = answersOf(NotAcceptable)
export const conflict = answersOf(Conflict)
export const payloadTooLarge = answersOf(PayloadTooLarge)
export const unsupportedMediaType = answersOf(UnsupportedMediaType)
export const tooManyRequests = answersOf(TooManyRequests)
export const internalServerError = answersOf(InternalServerError)
export const serviceUnavailable = answersOf(ServiceUnavailable)

/** What any request may be answered with, before it reaches an endpoint: version, size, a fault. */
export const anyRequest = Schema.Union(
  notAcceptable(ErrorCode.apiVersionNotAcceptable),
  payloadTooLarge(ErrorCode.requestTooLarge),
  internalServerError(ErrorCode.internal)
)

/**
 * What a request whose method may carry a body (POST, DELETE) may be answered with, whether or not the
 * endpoint reads one: a body that is not JSON, or nested too deeply, is refused before routing.
 */
export const bodyRefused = Schema.Union(
  unsupportedMediaType(ErrorCode.requestUnsupportedMediaType),
  badRequest(ErrorCode.requestTooDeep)
)

/**
 * What the Authentication middleware answers: no valid token, Keystone cannot say, or the policy rule
 * the endpoint names does not allow the caller (`policy.ts`).
 */
export const authentication = Schema.Union(
  unauthorized(ErrorCode.authInvalidToken, ErrorCode.authTokenNotProjectScoped),
  forbidden(ErrorCode.policyForbidden),
  serviceUnavailable(ErrorCode.authKeystoneUnavailable)
)

/** Whether the API reads a request of this method for a body (the conventions middleware checks it). */
export const mayCarryBody = (method: string): boolean => method !== "GET" && method !== "HEAD"
