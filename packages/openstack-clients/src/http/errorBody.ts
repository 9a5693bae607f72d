import { Either, Option, Schema } from "effect"

/**
 * What a service said in an error body. Each service has its own shape:
 * - Keystone: `{"error": {"code", "message", "title"}}`
 * - Neutron: `{"NeutronError": {"type", "message", "detail"}}`
 * - Barbican: `{"code", "title", "description"}`
 * - Nova and Cinder: `{"<kind>": {"code", "message"}}`, e.g. `itemNotFound`, `overLimit`, `forbidden`
 * - Glance (and any WSGI fallback): an HTML or plain-text page
 */
export interface ErrorBody {
  readonly message: string
  /** The service's error kind: Neutron's `type`, Nova/Cinder's key, Barbican/Keystone's title. */
  readonly kind?: string
}

const KeystoneBody = Schema.Struct({
  error: Schema.Struct({ message: Schema.String, title: Schema.optional(Schema.String) })
})

const NeutronBody = Schema.Struct({
  NeutronError: Schema.Struct({ message: Schema.String, type: Schema.optional(Schema.String) })
})

const BarbicanBody = Schema.Struct({
  description: Schema.String,
  title: Schema.optional(Schema.String)
})

const KeyedFaultBody = Schema.Record({
  key: Schema.String,
  value: Schema.Struct({ message: Schema.String })
})

/** Glance (asked for JSON) and others: `{"message", "code": "404 Not Found", "title"}`. */
const PlainMessageBody = Schema.Struct({ message: Schema.String, title: Schema.optional(Schema.String) })

const decodeJson = Schema.decodeUnknownOption(Schema.parseJson())

const tryDecode = <A, I>(schema: Schema.Schema<A, I>, value: unknown): Option.Option<A> =>
  Either.getRight(Schema.decodeUnknownEither(schema)(value))

/** Glance's JSON messages carry the HTML page's line breaks (`...ID x<br /><br />\n\n`). */
const tidy = (message: string): string =>
  message
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/\s+/g, " ")
    .trim()

const withKind = (message: string, kind: string | undefined): ErrorBody =>
  kind === undefined || kind.length === 0 ? { message: tidy(message) } : { message: tidy(message), kind }

const fromJson = (value: unknown): Option.Option<ErrorBody> =>
  Option.map(tryDecode(NeutronBody, value), (b) =>
    withKind(b.NeutronError.message, b.NeutronError.type)
  ).pipe(
    Option.orElse(() =>
      Option.map(tryDecode(KeystoneBody, value), (b) => withKind(b.error.message, b.error.title))
    ),
    Option.orElse(() => Option.map(tryDecode(BarbicanBody, value), (b) => withKind(b.description, b.title))),
    Option.orElse(() =>
      Option.flatMap(tryDecode(KeyedFaultBody, value), (record) => {
        const entries = Object.entries(record)
        const first = entries[0]
        return entries.length === 1 && first !== undefined
          ? Option.some(withKind(first[1].message, first[0]))
          : Option.none()
      })
    ),
    Option.orElse(() => Option.map(tryDecode(PlainMessageBody, value), (b) => withKind(b.message, b.title)))
  )

const maxMessageLength = 1000

/** The readable text of an HTML or plain-text error page, without its title and heading. */
export const textOfPage = (page: string): string =>
  page
    .replace(/<head[\s\S]*?<\/head>/gi, " ")
    .replace(/<h1[\s\S]*?<\/h1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, maxMessageLength)

/** Reads the service's message out of an error response body of any service. */
export const parseErrorBody = (status: number, body: string): ErrorBody => {
  const parsed = Option.flatMap(decodeJson(body), fromJson)
  if (Option.isSome(parsed)) return parsed.value
  const page = textOfPage(body)
  return { message: page.length > 0 ? page : `HTTP ${status}` }
}
