import { Either } from "effect"
import { type UsageError, usage } from "./UsageError.js"

/**
 * `--property KEY=VALUE`, repeated: the servers' metadata. The value may hold `=`; the first one splits.
 * A key given twice is refused rather than silently taking one of the values.
 */
export const parseProperties = (
  texts: ReadonlyArray<string>
): Either.Either<Readonly<Record<string, string>> | undefined, UsageError> => {
  const metadata: Record<string, string> = {}
  for (const text of texts) {
    const at = text.indexOf("=")
    if (at <= 0) return Either.left(usage(`--property ${text}: must be KEY=VALUE`))
    const key = text.slice(0, at)
    if (Object.hasOwn(metadata, key)) return Either.left(usage(`--property: ${key} is given twice`))
    metadata[key] = text.slice(at + 1)
  }
  return Either.right(texts.length === 0 ? undefined : metadata)
}
