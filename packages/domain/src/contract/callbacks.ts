import { Schema } from "effect"

/**
 * The headers by which a task-creating request asks for callbacks: when the task ends (and, with
 * `Enamel-Callback-Events: stages`, when each of its stages ends) Enamel POSTs the event to the URL,
 * signed with the secret (`Enamel-Signature: sha256=<hex HMAC-SHA256 of the body>`). URL and secret go
 * together; the secret is kept sealed and never shown again.
 */
export const CallbackHeaderFields = {
  "enamel-callback-url": Schema.optional(
    Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2048)).annotations({
      description:
        "Where Enamel POSTs `task.ended` (and, with Enamel-Callback-Events: stages, `stage.ended`) events: an http(s) URL whose host is not a loopback, link-local, private, shared or multicast address unless the operator allows it (ENAMEL_CALLBACK_ALLOW). Needs Enamel-Callback-Secret."
    })
  ),
  "enamel-callback-secret": Schema.optional(
    Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)).annotations({
      description:
        "The key of the deliveries' Enamel-Signature (`sha256=` and the hex HMAC-SHA256 of the body under it). Kept sealed, never returned. Needs Enamel-Callback-URL."
    })
  ),
  "enamel-callback-events": Schema.optional(
    Schema.Literal("stages").annotations({
      description: "`stages`: also a `stage.ended` event for every stage that ends, not only `task.ended`."
    })
  )
} as const

/** The callback a request asked for, as its headers give it (checked by the API before the task is made). */
export interface CallbackRequest {
  readonly "enamel-callback-url"?: string | undefined
  readonly "enamel-callback-secret"?: string | undefined
  readonly "enamel-callback-events"?: "stages" | undefined
}
