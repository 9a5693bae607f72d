import { Either } from "effect"
import { type UsageError, usage } from "./UsageError.js"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Task and server ids are UUIDs: anything else is refused before a call. */
export const parseId = (what: string, text: string): Either.Either<string, UsageError> =>
  uuid.test(text)
    ? Either.right(text.toLowerCase())
    : Either.left(usage(`${what} ${text}: must be an id (a UUID)`))
