/**
 * Reading Enamel's error answers: OpenStack's error document (`{"errors":[{status, code, title, detail,
 * request_id}]}`), the contract's `ErrorDocument`, into an `EnamelApiError`; anything else into the error
 * that says what happened instead. Plain values in, so the HTTP adapter stays thin.
 */
import { ErrorDocument } from "@enamel/domain/contract"
import { Either, Option, Schema } from "effect"
import {
  EnamelApiError,
  type EnamelClientError,
  EnamelUnexpectedAnswer,
  EnamelUnreachable,
  isErrorCode
} from "./errors.js"

/** What the adapter hands over of an error answer. */
export interface ErrorAnswer {
  readonly url: string
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

const readDocument = Schema.decodeUnknownEither(Schema.parseJson(ErrorDocument))

/** How much of a body that is not Enamel's document an error quotes. */
const quoted = (body: string) => {
  const text = body.replace(/\s+/g, " ").trim()
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

/** The error an answer with status ≥ 400 stands for. */
export const errorOf = (answer: ErrorAnswer): EnamelClientError => {
  const headerId = answer.headers["x-openstack-request-id"]
  const document = Option.flatMap(Either.getRight(readDocument(answer.body)), (d) =>
    Option.fromNullable(d.errors[0])
  )
  if (Option.isSome(document)) {
    const { code, detail, request_id } = document.value
    const requestId = request_id.length > 0 ? request_id : (headerId ?? "")
    if (isErrorCode(code)) {
      return new EnamelApiError({ status: answer.status, code, detail, requestId })
    }
    // A newer Enamel may answer with a code this client does not know: say it all, typed loosely.
    return new EnamelUnexpectedAnswer({
      status: answer.status,
      detail: `error code ${code} is not in this client's catalogue: ${detail}`,
      requestId
    })
  }
  // Not Enamel's document: a proxy in front of it answering for an Enamel that is down or restarting.
  if (answer.status === 502 || answer.status === 503 || answer.status === 504) {
    return new EnamelUnreachable({
      url: answer.url,
      status: answer.status,
      detail: `HTTP ${answer.status} without Enamel's error document (from a proxy?): ${quoted(answer.body)}`
    })
  }
  return new EnamelUnexpectedAnswer({
    status: answer.status,
    detail: `HTTP ${answer.status} without Enamel's error document: ${quoted(answer.body)}`,
    ...(headerId === undefined ? {} : { requestId: headerId })
  })
}
