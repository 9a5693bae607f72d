/** Sends a fuzz case exactly as generated, and says what, if anything, is wrong with the answer. */
import { ErrorDocument } from "@enamel/domain/contract"
import { Option, Schema } from "effect"
import { allowed, type Case } from "./cases.js"

export interface Reply {
  readonly status: number
  readonly requestId: string | null
  readonly contentType: string | null
  readonly text: string
}

/** The case as bytes on the wire: no header added, no body re-encoded. */
export const sendCase = async (base: string, c: Case): Promise<Reply> => {
  const response = await fetch(`${base}${c.path}`, {
    method: c.method,
    headers: c.headers,
    signal: AbortSignal.timeout(15_000),
    ...(c.body === undefined ? {} : { body: c.body })
  })
  const text = await response.text()
  return {
    status: response.status,
    requestId: response.headers.get("x-openstack-request-id"),
    contentType: response.headers.get("content-type"),
    text
  }
}

const wellFormedRequestId = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** OpenStack's error document, if the text is one. */
const errorDocument = Schema.decodeUnknownOption(Schema.parseJson(ErrorDocument))

/** Words a person would not write: the schema library's (`Expected …, actual …`, a type dump). */
const schemaWords = /Expected [^,]*, actual|\breadonly |ReadonlyArray<|\{ \{|\| filter/

/**
 * What is wrong with a reply, or undefined. A reply is right when: it is not a 5xx; its status is one a
 * correct server may give for the case (2xx only when nothing is wrong); it carries a request id (the
 * caller's, if well-formed); and a 4xx is OpenStack's error document — `{"errors":[{status, code, title,
 * detail, request_id}]}` with the HTTP status, a dotted lower-case code, the response's request id — whose
 * detail *names the problem*: it contains (case-insensitively) the name of a field, query parameter,
 * path parameter or header the case got wrong, or, for an unknown resource, the method; and says so in
 * a person's words, not the schema library's.
 */
export const verdict = (c: Case, reply: Reply): string | undefined => {
  const answers = allowed(c)
  if (reply.status >= 500) return `server error ${reply.status}`
  const names = answers.get(reply.status)
  if (names === undefined) return `status ${reply.status}, expected one of ${[...answers.keys()].join(", ")}`
  if (reply.requestId === null) return "no X-OpenStack-Request-ID"
  const sent = c.headers["x-openstack-request-id"]
  if (sent !== undefined && wellFormedRequestId.test(sent) && reply.requestId !== sent)
    return `request id ${reply.requestId} instead of the caller's ${sent}`
  if (reply.status < 400) return undefined
  const error = Option.flatMap(errorDocument(reply.text), (d) => Option.fromNullable(d.errors[0]))
  if (Option.isNone(error)) return `not an OpenStack error document: ${reply.text.slice(0, 200)}`
  const { status, code, title, detail, request_id } = error.value
  if (status !== reply.status) return `error status ${status} in a ${reply.status}`
  if (!/^[a-z_]+(\.[a-z_]+)+$/.test(code)) return `error code ${code}`
  if (title === "") return "no title"
  if (request_id !== reply.requestId) return "request_id differs from the header"
  if (!names.some((name) => detail.toLowerCase().includes(name.toLowerCase())))
    return `detail "${detail.slice(0, 300)}" names none of ${names.join(", ")}`
  if (schemaWords.test(detail)) return `detail "${detail.slice(0, 300)}" speaks the schema's language`
  return undefined
}
