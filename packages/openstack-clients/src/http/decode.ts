import { Effect, ParseResult, Schema } from "effect"
import { OpenStackUnexpectedResponse } from "../errors.js"
import type { HttpReply } from "./HttpTransport.js"
import { requestIdOf } from "./statusErrors.js"

/**
 * Where a body did not match its schema, as paths only: the values are left out, because bodies may hold
 * secrets (an application credential's secret, a Barbican payload).
 */
export const describeIssues = (error: ParseResult.ParseError): string => {
  const paths = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) =>
    issue.path.length === 0 ? "(body)" : issue.path.map(String).join(".")
  )
  return [...new Set(paths)].slice(0, 5).join(", ")
}

export const unexpectedBody = (service: string, reply: HttpReply, detail: string) => {
  const requestId = requestIdOf(reply.headers)
  return new OpenStackUnexpectedResponse({
    service,
    status: reply.status,
    message: `${service} answered ${reply.status} with a body we cannot read (${detail})`,
    ...(requestId === undefined ? {} : { requestId })
  })
}

/**
 * Decodes a JSON reply by the schema; fields the schema does not name are ignored. The body is parsed
 * first and the schema applied to the value: Effect keeps a schema's compiled decoder, whereas a
 * `parseJson(schema)` made per reply was compiled again for every call (9% of a flow's CPU).
 */
export const decodeJsonReply =
  <A, I>(service: string, schema: Schema.Schema<A, I>) =>
  (reply: HttpReply): Effect.Effect<A, OpenStackUnexpectedResponse> =>
    Effect.try({
      try: (): unknown => JSON.parse(reply.body),
      catch: () => unexpectedBody(service, reply, "not JSON")
    }).pipe(
      Effect.flatMap((json) =>
        Schema.decodeUnknown(schema)(json).pipe(
          Effect.mapError((error) => unexpectedBody(service, reply, `mismatch at ${describeIssues(error)}`))
        )
      )
    )

/** Decodes a value that is already parsed (e.g. a secret's payload) without echoing it in errors. */
export const decodeValue =
  <A, I>(service: string, schema: Schema.Schema<A, I>, what: string) =>
  (value: unknown): Effect.Effect<A, OpenStackUnexpectedResponse> =>
    Schema.decodeUnknown(schema)(value).pipe(
      Effect.mapError(
        (error) =>
          new OpenStackUnexpectedResponse({
            service,
            message: `${what} does not have the expected shape (mismatch at ${describeIssues(error)})`
          })
      )
    )
